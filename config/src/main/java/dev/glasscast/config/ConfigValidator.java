package dev.glasscast.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rules a well-typed configuration must also follow: ranges, even picture sizes, unique
 * names, values that depend on each other. Each broken rule becomes one {@link ConfigProblem}
 * that says what is allowed.
 *
 * <p>One class over 400 lines on purpose: one short method per section of the file, in the
 * file's order, each a list of rules with the message an operator reads; split apart, the rules
 * that depend on other sections (a restream's rung, the ladder's audio) would reach across files.
 */
final class ConfigValidator {

    /** Stream and rendition names appear in URLs and file names unescaped. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final Set<String> RUNG_CODECS = Set.of("h264", "copy", "auto");
    static final Set<String> AUDIO_CODECS = Set.of("aac", "copy");
    static final List<String> X264_PRESETS = List.of("ultrafast", "superfast", "veryfast", "faster", "fast",
            "medium", "slow", "slower", "veryslow", "placebo");
    /** Profiles libx264 can produce from the 8-bit 4:2:0 pictures the transcoder feeds it. */
    static final List<String> H264_PROFILES = List.of("baseline", "main", "high");
    static final List<String> H264_LEVELS = List.of("1", "1.0", "1b", "1.1", "1.2", "1.3", "2", "2.0", "2.1", "2.2", "3", "3.0", "3.1",
            "3.2", "4", "4.0", "4.1", "4.2", "5", "5.0", "5.1", "5.2", "6", "6.0", "6.1", "6.2");
    /** The rendition name the transcoder gives the shared audio; a rung cannot take it. */
    static final String RESERVED_RENDITION = "audio";
    /** The path element of WHEP playback, {@code /live/<stream>/whep/<session>}: a rung cannot take it. */
    static final String WHEP_PATH = "whep";
    static final int MAX_PICTURE_SIDE = 8192;
    static final double MAX_FPS = 240;
    static final int MIN_PASSPHRASE = 10;
    static final int MAX_PASSPHRASE = 79;
    static final Set<String> PLAYBACK_MODES = Set.of(StreamConfig.PUBLIC, StreamConfig.SIGNED);
    /** An HMAC-SHA256 key is as strong as 32 random bytes at most; fewer characters make it guessable. */
    static final int MIN_PLAYBACK_SECRET = 32;
    static final Duration MAX_PLAYBACK_LINK_LIFETIME = Duration.ofDays(366);

    private final Function<String, ConfigLocation> where;
    private final List<ConfigProblem> problems = new ArrayList<>();

    /** @param where where the value at a key path was written */
    ConfigValidator(Function<String, ConfigLocation> where) {
        this.where = where;
    }

    List<ConfigProblem> validate(GlassCastConfig config) {
        if (config.dataDir() == null || config.dataDir().toString().isBlank()) {
            problem("data_dir", "is empty; name a directory GlassCast may write to, e.g. glasscast-data");
        }
        server(config.server());
        ingest(config.ingest());
        ladder(config.ladder());
        restream(config.ingest().streams(), config.ladder());
        audio(config.audio());
        slate(config.slate());
        webhooks(config.webhooks());
        packaging(config.packaging());
        if (config.cache().maxBytes() <= 0) {
            problem("cache.max_bytes", config.cache().maxBytes() + " must be positive; e.g. 268435456 (256 MiB)");
        }
        testSource(config.testSource(), config.ingest());
        webrtc(config.webrtc(), config.ingest().srt());
        return problems;
    }

    private void server(ServerConfig server) {
        bind("server.bind", server.bind());
        port("server.http_port", server.httpPort());
        String url = server.publicUrl();
        if (url != null && !(url.startsWith("http://") || url.startsWith("https://"))) {
            problem("server.public_url", "'" + url + "' is not an http:// or https:// URL; e.g. https://live.example.org");
        }
        String token = server.adminToken();
        if (token != null && (token.length() < 16 || token.length() > 256 || token.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            problem("server.admin_token", "must be 16 to 256 printable characters without spaces, or null to generate one");
        }
        TlsConfig tls = server.tls();
        port("server.tls.port", tls.port());
        if (tls.enabled()) {
            readableFile("server.tls.certificate", tls.certificate(), "a PEM certificate chain");
            readableFile("server.tls.private_key", tls.privateKey(), "a PEM (PKCS#8) private key");
        }
        Duration readTimeout = server.requestReadTimeout();
        if (readTimeout.compareTo(Duration.ofSeconds(1)) < 0 || readTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            problem("server.request_read_timeout", DurationText.format(readTimeout) + " is out of range; use 1s to 10m, e.g. 20s");
        }
        String secret = server.playbackSecret();
        if (secret != null && (secret.length() < MIN_PLAYBACK_SECRET || secret.length() > 256
                || secret.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            problem("server.playback_secret", "must be " + MIN_PLAYBACK_SECRET
                    + " to 256 printable characters without spaces, or null to generate one");
        }
        Duration lifetime = server.playbackLinkLifetime();
        if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(MAX_PLAYBACK_LINK_LIFETIME) > 0) {
            problem("server.playback_link_lifetime", DurationText.format(lifetime) + " is out of range; use 1m to 8784h, e.g. 12h");
        }
    }

    private void readableFile(String path, String file, String what) {
        if (file == null || file.isBlank()) {
            problem(path, "is not set; give the path of " + what + " or set server.tls.enabled: false");
        } else if (!Files.isReadable(Path.of(file))) {
            problem(path, "'" + file + "' cannot be read; give the path of " + what);
        }
    }

    private void ingest(IngestConfig ingest) {
        bind("ingest.rtmp.bind", ingest.rtmp().bind());
        port("ingest.rtmp.port", ingest.rtmp().port());
        SrtConfig srt = ingest.srt();
        bind("ingest.srt.bind", srt.bind());
        port("ingest.srt.port", srt.port());
        if (srt.latency().isZero() || srt.latency().isNegative() || srt.latency().compareTo(Duration.ofSeconds(10)) > 0) {
            problem("ingest.srt.latency", DurationText.format(srt.latency()) + " is out of range; use 20ms to 10s, e.g. 120ms");
        }
        String passphrase = srt.passphrase();
        if (passphrase != null && (passphrase.length() < MIN_PASSPHRASE || passphrase.length() > MAX_PASSPHRASE)) {
            problem("ingest.srt.passphrase", "is " + passphrase.length() + " characters long; SRT needs "
                    + MIN_PASSPHRASE + " to " + MAX_PASSPHRASE + " (or null for no encryption)");
        }
        if (ingest.streams().isEmpty()) {
            problem("ingest.streams", "is empty; list at least one stream, e.g. '- name: live'");
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> keys = new HashMap<>();
        for (int i = 0; i < ingest.streams().size(); i++) {
            StreamConfig stream = ingest.streams().get(i);
            String path = "ingest.streams[" + i + "]";
            name(path + ".name", stream.name());
            Integer earlier = names.putIfAbsent(stream.name(), i);
            if (earlier != null) {
                problem(path + ".name", "'" + stream.name() + "' is already the name of ingest.streams[" + earlier
                        + "]; stream names must be unique");
            }
            if (!PLAYBACK_MODES.contains(stream.playback())) {
                problem(path + ".playback", quote(stream.playback()) + " is not a playback mode; use public (anyone with"
                        + " the URL) or signed (only holders of a signed link)");
            }
            if (stream.key() != null) {
                if (stream.key().isBlank()) {
                    problem(path + ".key", "is blank; write a secret or null to have one generated");
                }
                Integer sameKey = keys.putIfAbsent(stream.key(), i);
                if (sameKey != null) {
                    problem(path + ".key", "is the same as the key of ingest.streams[" + sameKey
                            + "]; each stream needs its own key (or null to have one generated)");
                }
            }
        }
    }

    private void ladder(List<RungConfig> ladder) {
        if (ladder.isEmpty()) {
            problem("ladder", "is empty; list at least one rung, e.g. '- {name: source, codec: copy}'");
        }
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < ladder.size(); i++) {
            rung("ladder[" + i + "]", ladder.get(i), names, i);
        }
        if (ladder.stream().filter(RungConfig::isAuto).count() > 1) {
            problem("ladder", "has more than one auto rung; write 'ladder: auto', or list the rungs");
        }
    }

    private void rung(String path, RungConfig rung, Map<String, Integer> names, int index) {
        if (name(path + ".name", rung.name())) {
            if (RESERVED_RENDITION.equals(rung.name())) {
                problem(path + ".name", "'audio' is the name of the shared audio rendition; pick another name");
            }
            if (WHEP_PATH.equals(rung.name())) {
                problem(path + ".name", "'whep' is the path of WebRTC playback (/live/<stream>/whep); pick another name");
            }
            Integer earlier = names.putIfAbsent(rung.name(), index);
            if (earlier != null) {
                problem(path + ".name", "'" + rung.name() + "' is already the name of ladder[" + earlier
                        + "]; rung names must be unique");
            }
        }
        if (!RUNG_CODECS.contains(rung.codec())) {
            problem(path + ".codec", quote(rung.codec()) + " is not a rung codec; use h264 or copy (or ladder: auto)");
            return;
        }
        if (rung.isCopy() || rung.isAuto()) {
            return;
        }
        if (rung.height() <= 0) {
            problem(path + ".height", rung.height() + " is not a picture height; use a positive even number, e.g. 720");
        } else {
            evenSize(path + ".height", rung.height());
        }
        if (rung.width() < 0) {
            problem(path + ".width", rung.width() + " is negative; use a positive even number, or 0 to keep the source's aspect ratio");
        } else if (rung.width() > 0) {
            evenSize(path + ".width", rung.width());
        }
        positiveBitrate(path + ".video_bitrate", rung.videoBitrate(), "2500k");
        optionalBitrate(path + ".maxrate", rung.maxrate(), "the video_bitrate");
        optionalBitrate(path + ".bufsize", rung.bufsize(), "twice the video_bitrate");
        if (rung.maxrate() > 0 && rung.maxrate() < rung.videoBitrate()) {
            problem(path + ".maxrate", BitrateText.format(rung.maxrate()) + " is below video_bitrate ("
                    + BitrateText.format(rung.videoBitrate()) + "); use at least the video_bitrate, or 0");
        }
        if (rung.maxFps() < 0 || rung.maxFps() > MAX_FPS || Double.isNaN(rung.maxFps())) {
            problem(path + ".max_fps", rung.maxFps() + " is out of range; use 1 to " + (int) MAX_FPS + ", or 0 for the source's rate");
        }
        if (!X264_PRESETS.contains(rung.preset())) {
            problem(path + ".preset", quote(rung.preset()) + " is not an x264 preset; use one of " + String.join(", ", X264_PRESETS));
        }
        if (!H264_PROFILES.contains(rung.profile())) {
            problem(path + ".profile", quote(rung.profile()) + " is not an H.264 profile; use one of " + String.join(", ", H264_PROFILES));
        }
        if (rung.level() != null && !H264_LEVELS.contains(rung.level())) {
            problem(path + ".level", quote(rung.level()) + " is not an H.264 level; use one of "
                    + String.join(", ", H264_LEVELS) + ", or null to let x264 choose");
        }
        positiveBitrate(path + ".audio_bitrate", rung.audioBitrate(), "128k");
        if (rung.bframes() < 0 || rung.bframes() > 16) {
            problem(path + ".bframes", rung.bframes() + " is out of range; use 0 to 16 (0: lowest latency)");
        } else if (rung.bframes() > 0 && "baseline".equals(rung.profile())) {
            problem(path + ".bframes", rung.bframes() + " B-frames need profile main or high; baseline has none");
        }
    }

    private void audio(AudioConfig audio) {
        if (!AUDIO_CODECS.contains(audio.codec())) {
            problem("audio.codec", quote(audio.codec()) + " is not an audio codec; use aac or copy");
        }
        if (audio.bitrate() < 8_000 || audio.bitrate() > 512_000) {
            problem("audio.bitrate", BitrateText.format(audio.bitrate()) + " is out of range; use 8k to 512k, e.g. 128k");
        }
    }

    private void slate(SlateConfig slate) {
        if (slate.color() == null || !slate.color().matches("#[0-9A-Fa-f]{6}")) {
            problem("slate.color", quote(slate.color()) + " is not a colour; write #RRGGBB, e.g. \"#1a1a2e\"");
        }
        if (slate.image() != null && slate.image().isBlank()) {
            problem("slate.image", "is empty; name a PNG or JPEG file, or write null for none");
        }
        if (slate.text() == null || slate.text().length() > 80) {
            problem("slate.text", "must be at most 80 characters (empty for none)");
        }
        if (slate.timeout() == null || slate.timeout().compareTo(Duration.ofSeconds(1)) < 0
                || slate.timeout().compareTo(Duration.ofHours(24)) > 0) {
            problem("slate.timeout", (slate.timeout() == null ? "null" : DurationText.format(slate.timeout()))
                    + " is out of range; use 1s to 24h, e.g. 60s");
        }
    }

    private void restream(List<StreamConfig> streams, List<RungConfig> ladder) {
        for (int i = 0; i < streams.size(); i++) {
            List<RestreamConfig> destinations = streams.get(i).restream();
            for (int j = 0; j < destinations.size(); j++) {
                String path = "ingest.streams[" + i + "].restream[" + j + "]";
                for (RestreamConfig.Problem found : destinations.get(j).problems(ladder)) {
                    problem(path + "." + found.field(), found.message());
                }
            }
        }
    }

    private void webhooks(WebhooksConfig webhooks) {
        webhookUrl("webhooks.on_publish.url", webhooks.onPublish().url());
        Duration timeout = webhooks.onPublish().timeout();
        if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
            problem("webhooks.on_publish.timeout", (timeout == null ? "null" : DurationText.format(timeout))
                    + " is out of range; use 100ms to 10s, e.g. 2s (SRT callers give up after 3s)");
        }
        webhookUrl("webhooks.events.url", webhooks.events().url());
        String secret = webhooks.events().secret();
        if (secret != null && secret.isEmpty()) {
            problem("webhooks.events.secret", "is empty; write a secret, or null to send no signature");
        }
        int retries = webhooks.events().retries();
        if (retries < 0 || retries > 10) {
            problem("webhooks.events.retries", retries + " is out of range; use 0 to 10, e.g. 3");
        }
    }

    private void webhookUrl(String path, String url) {
        if (url == null) {
            return;
        }
        try {
            java.net.URI uri = new java.net.URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problem(path, quote(url) + " is not an http:// or https:// URL; e.g. https://auth.example.org/publish");
            }
        } catch (java.net.URISyntaxException e) {
            problem(path, quote(url) + " is not a URL (" + e.getReason() + "); e.g. https://auth.example.org/publish");
        }
    }

    private void packaging(PackagingConfig packaging) {
        Duration segment = packaging.segmentDuration();
        Duration part = packaging.partDuration();
        if (segment.compareTo(Duration.ofMillis(500)) < 0 || segment.compareTo(Duration.ofSeconds(30)) > 0) {
            problem("packaging.segment_duration", DurationText.format(segment) + " is out of range; use 500ms to 30s, e.g. 2s");
        }
        if (part.compareTo(Duration.ofMillis(100)) < 0) {
            problem("packaging.part_duration", DurationText.format(part) + " is too short; use at least 100ms, e.g. 500ms");
        } else if (part.compareTo(segment) >= 0) {
            problem("packaging.part_duration", DurationText.format(part) + " is not smaller than packaging.segment_duration ("
                    + DurationText.format(segment) + "); use a fraction of it, e.g. 500ms");
        }
        if (packaging.playlistSegments() < 3 || packaging.playlistSegments() > 100) {
            problem("packaging.playlist_segments", packaging.playlistSegments() + " is out of range; use 3 to 100 (players need at least 3)");
        }
        if (packaging.dvrWindow().compareTo(segment.multipliedBy(packaging.playlistSegments())) < 0) {
            problem("packaging.dvr_window", DurationText.format(packaging.dvrWindow())
                    + " is shorter than the live playlist (playlist_segments x segment_duration); use at least "
                    + DurationText.format(segment.multipliedBy(packaging.playlistSegments())));
        }
        if (packaging.memoryWindow() == null || packaging.memoryWindow().compareTo(segment) < 0) {
            problem("packaging.memory_window", (packaging.memoryWindow() == null ? "null"
                    : DurationText.format(packaging.memoryWindow())) + " is shorter than packaging.segment_duration ("
                    + DurationText.format(segment) + "); use e.g. 30s");
        }
        if (packaging.recordingsMaxBytes() < 0) {
            problem("packaging.recordings_max_bytes", packaging.recordingsMaxBytes()
                    + " is negative; write a number of bytes, e.g. 20000000000 (20 GB), or 0 for no limit");
        }
    }

    private void testSource(TestSourceConfig source, IngestConfig ingest) {
        if (source.enabled() && ingest.stream(source.stream()).isEmpty()) {
            problem("test_source.stream", quote(source.stream()) + " is not among ingest.streams ("
                    + String.join(", ", ingest.streams().stream().map(StreamConfig::name).toList())
                    + "); name one of them or set test_source.enabled: false");
        }
        if (source.width() <= 0) {
            problem("test_source.width", source.width() + " is not a picture width; use a positive even number, e.g. 1280");
        } else {
            evenSize("test_source.width", source.width());
        }
        if (source.height() <= 0) {
            problem("test_source.height", source.height() + " is not a picture height; use a positive even number, e.g. 720");
        } else {
            evenSize("test_source.height", source.height());
        }
        if (source.fps() < 1 || source.fps() > 120) {
            problem("test_source.fps", source.fps() + " is out of range; use 1 to 120, e.g. 30");
        }
        positiveBitrate("test_source.video_bitrate", source.videoBitrate(), "2500k");
    }

    private void webrtc(WebRtcConfig webrtc, SrtConfig srt) {
        bind("webrtc.bind", webrtc.bind());
        port("webrtc.udp_port", webrtc.udpPort());
        if (webrtc.enabled() && srt.enabled() && webrtc.udpPort() != 0 && webrtc.udpPort() == srt.port()) {
            problem("webrtc.udp_port", webrtc.udpPort() + " is also ingest.srt.port; give WebRTC its own UDP port, e.g. "
                    + WebRtcConfig.DEFAULT_UDP_PORT);
        }
        String address = webrtc.publicAddress();
        if (address != null && (address.isBlank() || address.length() > 253 || address.contains("/")
                || address.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            problem("webrtc.public_address", quote(address) + " is not a host name or IP address; write e.g."
                    + " live.example.org or 203.0.113.7 (no scheme, no port), or null to derive it");
        }
        if (webrtc.maxSessions() < 1 || webrtc.maxSessions() > WebRtcConfig.MAX_MAX_SESSIONS) {
            problem("webrtc.max_sessions", webrtc.maxSessions() + " is out of range; use 1 to "
                    + WebRtcConfig.MAX_MAX_SESSIONS + ", e.g. " + WebRtcConfig.DEFAULT_MAX_SESSIONS);
        }
    }

    private boolean name(String path, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            problem(path, quote(name) + " is not a valid name; use 1 to 64 letters, digits, '_' or '-'");
            return false;
        }
        return true;
    }

    private void bind(String path, String address) {
        if (address == null || address.isBlank()) {
            problem(path, "is empty; use an address such as 0.0.0.0 (every interface) or 127.0.0.1");
        }
    }

    private void port(String path, int port) {
        if (port < 0 || port > 65535) {
            problem(path, port + " is not a port; use 1 to 65535 (or 0 to pick a free one)");
        }
    }

    private void evenSize(String path, int size) {
        if (size > MAX_PICTURE_SIDE) {
            problem(path, size + " is too large; use at most " + MAX_PICTURE_SIDE);
        } else if (size % 2 != 0) {
            problem(path, size + " is odd; use an even number");
        }
    }

    private void positiveBitrate(String path, long bitrate, String example) {
        if (bitrate <= 0) {
            problem(path, bitrate + " must be positive; write e.g. " + example);
        }
    }

    private void optionalBitrate(String path, long bitrate, String meaningOfZero) {
        if (bitrate < 0) {
            problem(path, bitrate + " is negative; write a bitrate such as 3000k, or 0 for " + meaningOfZero);
        }
    }

    private static String quote(String value) {
        return value == null ? "null" : "'" + value + "'";
    }

    private void problem(String path, String message) {
        problems.add(new ConfigProblem(path, message, where.apply(path)));
    }
}
