package dev.glasscast.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.browser.BrowserDriver;
import dev.glasscast.server.browser.PlaybackBounds;
import dev.glasscast.server.browser.PlaybackReport;
import dev.glasscast.server.e2e.FfmpegCli;
import dev.glasscast.server.e2e.MediaProbe;
import dev.glasscast.server.qr.QrDecoding;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon with one stream behind signed playback links ({@code main}) and one public
 * ({@code open}), both live from one ffmpeg: every output of the signed stream answers 403
 * without a valid, unexpired token and 200 through one, ffmpeg plays through the token URL, the
 * cache stays shared and never hands a refused request a valid answer or the other way round,
 * and the public stream is untouched.
 */
class SignedPlaybackEndToEndTest {

    private static final String KEY = "signed-playback-key";
    private static final String OPEN_KEY = "open-playback-key";
    private static final String ADMIN = "signed-playback-admin-token";
    private static final String SECRET = "signed-playback-secret-0123456789abcdef";

    @TempDir
    static Path dir;

    private static GlassCastServer server;
    private static FfmpegCli.Running publisher;
    private static String origin;
    private static PlaybackTokens.Token token;
    private static String playlist;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void publishBothStreams() throws Exception {
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        GlassCastConfig config = base
                .withServer(base.server().withAdminToken(ADMIN).withPlaybackSecret(SECRET))
                .withIngest(base.ingest().withStreams(List.of(
                        new StreamConfig("main", KEY, StreamConfig.SIGNED), new StreamConfig("open", OPEN_KEY))));
        server = new GlassCastServer(config);
        server.start();
        origin = "http://127.0.0.1:" + server.httpPort();
        String rtmp = "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/";
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(320, 240, 25, 60));
        // One encode, two publishes: the signed stream and the public one carry the same picture.
        args.addAll(List.of("-flags", "+global_header", "-f", "tee",
                "[f=flv:onfail=ignore]" + rtmp + KEY + "|[f=flv:onfail=ignore]" + rtmp + OPEN_KEY));
        publisher = FfmpegCli.start(dir, args);
        token = server.playbackTokens().mint("main", Duration.ofMinutes(10));
        String url = origin + token.livePath() + "source/index.m3u8";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        playlist = "";
        while (segments(playlist).size() < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no two segments through the token path: " + playlist + "\n" + publisher.stderr());
            }
            Thread.sleep(200);
            HttpResponse<String> response = get(url);
            playlist = response.statusCode() == 200 ? response.body() : "";
        }
    }

    @AfterAll
    static void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Every kind of output of the signed stream, relative to {@code /live/main/[t/{token}/]}. */
    private static List<String> outputs() throws Exception {
        String playlist = get(origin + token.livePath() + "source/index.m3u8").body();
        List<String> segments = segments(playlist);
        String segment = segments.getFirst();
        Matcher part = Pattern.compile("URI=\"(part\\d+\\.\\d+\\.m4s)\"").matcher(playlist);
        assertTrue(part.find(), playlist);
        Matcher init = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"").matcher(playlist);
        assertTrue(init.find(), playlist);
        String sequence = segment.substring(3, segment.length() - 4);
        return List.of("index.m3u8", "manifest.mpd", "ts.m3u8", "dvr.m3u8", "source/index.m3u8", "source/" + init.group(1),
                "source/" + segment, "source/" + part.group(1), "source/ts.m3u8", "source/ts" + sequence + ".ts",
                "audio/index.m3u8");
    }

    @Test
    void withoutAValidTokenEveryOutputIs403WithAShortReason() throws Exception {
        PlaybackTokens tokens = server.playbackTokens();
        String expired = tokens.mintUntil("main", Instant.now().getEpochSecond() - 5).value();
        String tampered = token.value().substring(0, token.value().length() - 1)
                + (token.value().endsWith("A") ? "B" : "A");
        String otherStream = tokens.mintUntil("open", Instant.now().getEpochSecond() + 600).value();
        for (String output : outputs()) {
            assertRefused("/live/main/" + output, "this stream needs a signed playback link");
            assertRefused("/live/main/t/" + expired + "/" + output, "playback link expired; ask for a new one");
            assertRefused("/live/main/t/" + tampered + "/" + output, "playback token not valid for this stream");
            assertRefused("/live/main/t/" + otherStream + "/" + output, "playback token not valid for this stream");
            assertRefused("/live/main/t/12345/" + output, "malformed playback token");
            assertServed(origin + token.livePath() + output);
        }
        assertRefused("/watch/main", "this stream needs a signed playback link");
        assertRefused("/watch/main/t/" + expired, "playback link expired; ask for a new one");
        // The clock of DASH players stays public; it says nothing about any stream.
        assertEquals(200, get(origin + "/time").statusCode());
    }

    private static void assertRefused(String path, String reason) throws Exception {
        HttpResponse<String> response = get(origin + path);
        assertEquals(403, response.statusCode(), path);
        assertEquals(reason + "\n", response.body(), path);
        assertEquals("no-store", response.headers().firstValue("cache-control").orElse(""), path);
    }

    @Test
    void childUrisResolveUnderTheTokenPath() throws Exception {
        String live = origin + token.livePath();
        // Multivariant -> media playlists, relative.
        String multivariant = get(live + "index.m3u8").body();
        for (String uri : uris(multivariant)) {
            assertFalse(uri.startsWith("/") || uri.contains("://"), "relative: " + uri);
            assertServed(resolve(live + "index.m3u8", uri));
        }
        // Media playlist -> init, segments, parts, preload hint and rendition reports ("../audio/...").
        String media = get(live + "source/index.m3u8").body();
        List<String> children = uris(media);
        assertTrue(children.stream().anyMatch(u -> u.startsWith("../audio/")), media);
        for (String uri : children) {
            if (media.contains("PRELOAD-HINT:TYPE=PART,URI=\"" + uri + "\"")) {
                continue; // not cut yet: a blocking request, checked below
            }
            URI child = URI.create(resolve(live + "source/index.m3u8", uri));
            assertTrue(child.getPath().startsWith(token.livePath()), child.toString());
            assertServed(child.toString());
        }
        // Blocking playlist reload for the next part, through the token.
        int msn = mediaSequence(media) + segments(media).size();
        HttpResponse<String> blocked = get(live + "source/index.m3u8?_HLS_msn=" + msn + "&_HLS_part=0");
        assertEquals(200, blocked.statusCode());
        assertTrue(blocked.body().contains("part" + msn + ".0.m4s"), blocked.body());
        // TS playlist -> TS segments.
        String ts = get(live + "source/ts.m3u8").body();
        String tsSegment = ts.lines().filter(l -> l.endsWith(".ts")).findFirst().orElseThrow();
        assertServed(resolve(live + "source/ts.m3u8", tsSegment));
        // MPD: SegmentTemplate initialization/media are relative to the MPD, UTCTiming is /time.
        String mpd = get(live + "manifest.mpd").body();
        assertFalse(mpd.contains("<BaseURL>/"), mpd);
        Matcher template = Pattern.compile("initialization=\"([^\"]+)\" media=\"([^\"]+)\"").matcher(mpd);
        assertTrue(template.find(), mpd);
        assertServed(resolve(live + "manifest.mpd", template.group(1)));
        Matcher start = Pattern.compile("startNumber=\"(\\d+)\"").matcher(mpd);
        assertTrue(start.find(), mpd);
        String firstMedia = template.group(2).replace("$Number$", start.group(1));
        assertServed(resolve(live + "manifest.mpd", firstMedia));
        assertTrue(mpd.contains("value=\"/time\""), mpd);
    }

    @Test
    void ffmpegPlaysThroughTheTokenUrlAndFfprobeDecodesWhatItFetched() throws Exception {
        Path played = dir.resolve("played.mp4");
        FfmpegCli.Result result = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-y",
                "-i", origin + token.livePath() + "index.m3u8", "-t", "3", "-map", "0:v", "-c", "copy", played.toString()), 60);
        assertEquals(0, result.exitCode(), result.stderr());
        MediaProbe playedProbe = MediaProbe.of(dir, played);
        assertEquals("h264", playedProbe.codec());
        assertEquals(320, playedProbe.width());
        assertTrue(playedProbe.frameTimes().size() >= 25, "frames: " + playedProbe.frameTimes().size());

        // The init segment and a media segment fetched by hand through the token path decode.
        String media = get(origin + token.livePath() + "source/index.m3u8").body();
        Matcher init = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"").matcher(media);
        assertTrue(init.find(), media);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(bytes(origin + token.livePath() + "source/" + init.group(1)).body());
        file.write(bytes(origin + token.livePath() + "source/" + segments(media).getFirst()).body());
        Path fetched = Files.write(dir.resolve("fetched.mp4"), file.toByteArray());
        MediaProbe probe = MediaProbe.of(dir, fetched);
        assertEquals("h264", probe.codec());
        assertEquals(240, probe.height());
        assertEquals(50, probe.frameTimes().size(), "one 2 s segment at 25 fps; " + probe.decodeErrors());
        assertEquals("", probe.decodeErrors());
    }

    @Test
    void theCacheIsSharedAndNeverMixesRefusedAndValidAnswers() throws Exception {
        PlaybackTokens.Token other = server.playbackTokens().mint("main", Duration.ofMinutes(5));
        assertNotEquals(token.value(), other.value());
        String segment = "source/" + segments(playlist).get(1);
        // A refused request first: it must not stand in for the valid one that follows...
        assertEquals(403, get(origin + "/live/main/" + segment).statusCode());
        HttpResponse<byte[]> first = bytes(origin + token.livePath() + segment);
        assertEquals(200, first.statusCode());
        // ...and now that the object is cached, a refused request still gets no bytes of it.
        HttpResponse<byte[]> refused = bytes(origin + "/live/main/" + segment);
        assertEquals(403, refused.statusCode());
        assertFalse(new String(refused.body()).contains("ftyp") || refused.body().length > 100);
        // Two viewers with different links get the very same object: one cache entry, one ETag.
        HttpResponse<byte[]> second = bytes(origin + other.livePath() + segment);
        assertArrayEquals(first.body(), second.body());
        assertEquals(first.headers().firstValue("etag"), second.headers().firstValue("etag"));
    }

    @Test
    void thePublicStreamIsUntouched() throws Exception {
        HttpResponse<String> open = get(origin + "/live/open/index.m3u8");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (open.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            open = get(origin + "/live/open/index.m3u8");
        }
        assertEquals(200, open.statusCode(), open.body());
        assertTrue(open.body().startsWith("#EXTM3U"));
        assertEquals(200, get(origin + "/watch/open").statusCode());
        assertTrue(get(origin + "/watch/open").body().contains("'/live/open/index.m3u8'"));
        // A token on a public stream is ignored, whatever it holds.
        assertEquals(200, get(origin + "/live/open/t/whatever/index.m3u8").statusCode());
    }

    @Test
    void theAdminApiMintsWatchLinksAndTheWatchPagePlaysThroughThem() throws Exception {
        HttpResponse<String> minted = post("/api/v1/streams/main/watch-link?lifetime=2h", ADMIN);
        assertEquals(200, minted.statusCode(), minted.body());
        JsonNode link = new ObjectMapper().readTree(minted.body());
        assertEquals("signed", link.path("playback").asText());
        Instant expires = Instant.parse(link.path("expiresAt").asText());
        assertTrue(Math.abs(Duration.between(Instant.now().plus(Duration.ofHours(2)), expires).toSeconds()) <= 5, expires.toString());
        String watchPath = URI.create(link.path("watchUrl").asText()).getPath();
        assertTrue(watchPath.startsWith("/watch/main/t/"), watchPath);
        String pageToken = watchPath.substring("/watch/main/t/".length());
        HttpResponse<String> page = get(origin + watchPath);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("const src = '/live/main/t/" + pageToken + "/index.m3u8';"), page.body());
        assertEquals(200, get(origin + URI.create(link.path("hlsUrl").asText()).getPath()).statusCode());
        assertEquals(200, get(origin + URI.create(link.path("dashUrl").asText()).getPath()).statusCode());
        String qr = link.path("qrPng").asText();
        assertTrue(qr.startsWith("data:image/png;base64,"), qr);
        assertEquals(link.path("watchUrl").asText(),
                QrDecoding.fromImage(java.util.Base64.getDecoder().decode(qr.substring(qr.indexOf(',') + 1))));
        // The dashboard's QR code of a signed stream is a signed link too.
        HttpResponse<byte[]> qrPng = http.send(HttpRequest.newBuilder(URI.create(origin + "/api/v1/streams/main/qr.png"))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofByteArray());
        String scanned = QrDecoding.fromImage(qrPng.body());
        assertEquals(200, get(origin + URI.create(scanned).getPath()).statusCode(), scanned);
        // A public stream's link is its plain URL; bad input is a clear 400; no token, no link.
        JsonNode open = new ObjectMapper().readTree(post("/api/v1/streams/open/watch-link", ADMIN).body());
        assertEquals("public", open.path("playback").asText());
        assertTrue(open.path("expiresAt").isNull());
        assertEquals("/watch/open", URI.create(open.path("watchUrl").asText()).getPath());
        HttpResponse<String> bad = post("/api/v1/streams/main/watch-link?lifetime=forever", ADMIN);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("is not a duration"), bad.body());
        assertEquals(400, post("/api/v1/streams/main/watch-link?lifetime=9000h", ADMIN).statusCode());
        assertEquals(401, post("/api/v1/streams/main/watch-link", "wrong-token-wrong-token").statusCode());
        assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(origin + "/api/v1/streams/main/watch-link"))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        // The report says which streams need a link; the config never shows the secret.
        JsonNode report = new ObjectMapper().readTree(getWithToken("/api/v1/streams/main").body());
        assertEquals("signed", report.path("playback").asText());
        String config = getWithToken("/api/v1/config").body();
        assertFalse(config.contains(SECRET), config);
    }

    @Test
    void theDashboardMintsALinkAndHlsJsPlaysThroughIt() throws Exception {
        BrowserDriver.Result dashboard = BrowserDriver.visit()
                .viewport(1000, 820)
                .goTo(origin + "/dashboard?token=" + ADMIN)
                .waitFor("document.body.dataset.ready === 'true'"
                        + " && document.querySelector('.card .obs').textContent.includes('/watch/main/t/')"
                        + " && [...document.querySelectorAll('img.qr')].every(i => i.complete && i.naturalWidth > 0)",
                        Duration.ofSeconds(20))
                .eval("links", "[...document.querySelectorAll('.card')].map(c => c.querySelector('a[data-f=watch]').href)")
                .eval("until", "document.querySelector('.card .obs').textContent")
                .run(dir, Duration.ofSeconds(60));
        assertTrue(dashboard.ok(), dashboard.diagnostics());
        String signedLink = dashboard.value("links").path(0).asText();
        assertTrue(signedLink.contains("/watch/main/t/"), dashboard.value("links").toString());
        assertTrue(dashboard.value("links").path(1).asText().endsWith("/watch/open"), dashboard.value("links").toString());
        assertTrue(dashboard.value("until").asText().contains("Link valid until"), dashboard.value("until").asText());

        BrowserDriver.Result watch = BrowserDriver.visit()
                .viewport(390, 844)
                .goTo(origin + URI.create(signedLink).getPath())
                // Audio can start the clock before the first picture is decoded: wait for both.
                .waitFor("glasscast.hls && glasscast.video.currentTime > 1 && glasscast.video.videoHeight > 0",
                        Duration.ofSeconds(30))
                .eval("source", "glasscast.hls.url")
                .eval("height", "glasscast.video.videoHeight")
                .probe("glasscast.video", "glasscast.hls")
                .awaitPlayback(Duration.ofSeconds(10))
                .watchFor(Duration.ofSeconds(5))
                .probeReport("playback")
                .run(dir, Duration.ofSeconds(90));
        assertTrue(watch.ok(), watch.diagnostics());
        PlaybackReport playback = watch.playback("playback");
        System.out.println("[signed] " + playback.summary());
        playback.assertWithin(PlaybackBounds.defaults().withMinPlaying(Duration.ofSeconds(4))
                // hls.js's jump to the live edge at its start, as every other hls.js test allows
                // (clean-clone CI run AG: a 0.1 s audio hole at the first segment, 0 stalls, 1.23x).
                .allowingPlayerErrors("bufferSeekOverHole"));
        assertTrue(watch.value("source").asText().contains("/live/main/t/"), watch.value("source").asText());
        assertEquals(240, watch.value("height").asInt());
    }

    private static List<String> segments(String m3u8) {
        return m3u8.lines().filter(l -> l.startsWith("seg") && l.endsWith(".m4s")).toList();
    }

    private static int mediaSequence(String m3u8) {
        Matcher m = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)").matcher(m3u8);
        assertTrue(m.find(), m3u8);
        return Integer.parseInt(m.group(1));
    }

    /** Every URI a playlist names: its URI lines and its URI="..." attributes. */
    private static List<String> uris(String m3u8) {
        List<String> uris = new ArrayList<>(m3u8.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
        Matcher attribute = Pattern.compile("URI=\"([^\"]+)\"").matcher(m3u8);
        while (attribute.find()) {
            uris.add(attribute.group(1));
        }
        return uris;
    }

    /**
     * Fetches {@code url} through the token and checks what it holds, not only that it is 200:
     * a playlist is M3U8 whose every URI is relative (so it keeps the token), an MPD is an MPD
     * without absolute BaseURLs, an fMP4 init or segment starts with its ISO box (ftyp; styp or
     * moof) and holds media (moov; mdat), a TS segment is whole 188-byte packets each with the sync byte.
     */
    private static void assertServed(String url) throws Exception {
        HttpResponse<byte[]> response = bytes(url);
        assertEquals(200, response.statusCode(), url);
        byte[] body = response.body();
        String path = URI.create(url).getPath();
        String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (path.endsWith(".m3u8")) {
            assertTrue(text.startsWith("#EXTM3U"), url + ":\n" + text);
            for (String uri : uris(text)) {
                assertFalse(uri.startsWith("/") || uri.contains("://"), url + " names " + uri + ", which drops the token");
                assertTrue(URI.create(resolve(url, uri)).getPath().startsWith(token.livePath()), url + ": " + uri);
            }
        } else if (path.endsWith(".mpd")) {
            assertTrue(text.contains("<MPD") && text.contains("SegmentTemplate"), url + ":\n" + text);
            assertFalse(text.contains("<BaseURL>/") || text.contains("<BaseURL>http"), url + ":\n" + text);
        } else if (path.endsWith(".ts")) {
            assertTrue(body.length > 0 && body.length % 188 == 0, url + ": " + body.length + " bytes");
            for (int i = 0; i < body.length; i += 188) {
                assertEquals(0x47, body[i], url + ": sync byte of packet " + i / 188);
            }
        } else if (path.endsWith(".mp4") || path.endsWith(".m4s")) {
            assertTrue(body.length >= 8, url + ": " + body.length + " bytes, no ISO box: " + text);
            String first = text.substring(4, 8);
            if (path.endsWith(".mp4")) {
                assertEquals("ftyp", first, url);
                assertTrue(text.contains("moov") && (text.contains("avc1") || text.contains("mp4a")), url + ": an init segment");
            } else {
                assertTrue(first.equals("styp") || first.equals("moof"), url + " starts with " + first);
                assertTrue(text.contains("mdat") && body.length > 200, url + ": media data, " + body.length + " bytes");
            }
        } else {
            throw new AssertionError("unexpected output " + url);
        }
    }

    private static String resolve(String base, String relative) {
        return URI.create(base).resolve(relative).toString();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> getWithToken(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin + path)).header("Authorization", "Bearer " + ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> bytes(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> post(String path, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin + path)).header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
