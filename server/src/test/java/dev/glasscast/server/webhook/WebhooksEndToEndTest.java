package dev.glasscast.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.SlateConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.config.WebhooksConfig;
import dev.glasscast.media.StreamPath;
import dev.glasscast.server.GlassCastServer;
import dev.glasscast.server.TestDaemon;
import dev.glasscast.server.e2e.FfmpegCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhooks against a real HTTP endpoint (the JDK's server on loopback) while Debian's ffmpeg
 * publishes over RTMP and SRT as OBS does: on_publish allows, refuses and times out in both fail
 * modes; a hanging endpoint holds up no other publisher; lifecycle events arrive in order, signed
 * (the endpoint checks the HMAC itself) and retried.
 */
class WebhooksEndToEndTest {

    private static final String KEY = "webhook-main-key";
    private static final String SLOW_KEY = "webhook-slow-key";
    private static final String SECRET = "the operator's webhook secret";
    private static final Duration ON_PUBLISH_TIMEOUT = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final List<FfmpegCli.Running> publishers = new ArrayList<>();
    private WebhookEndpoint endpoint;
    private GlassCastServer server;
    private GlassCastConfig config;

    @BeforeEach
    void start() throws Exception {
        endpoint = new WebhookEndpoint();
        GlassCastConfig base = TestDaemon.config(dir, KEY);
        config = base.withIngest(base.ingest().withStreams(List.of(new StreamConfig("main", KEY),
                new StreamConfig("slow", SLOW_KEY))));
    }

    @AfterEach
    void stop() {
        publishers.forEach(FfmpegCli.Running::close);
        if (server != null) {
            server.close();
        }
        endpoint.close();
    }

    private void startDaemon(GlassCastConfig daemonConfig) throws Exception {
        server = new GlassCastServer(daemonConfig);
        server.start();
    }

    private GlassCastConfig onPublish(boolean failOpen) {
        return config.withWebhooks(new WebhooksConfig(
                new WebhooksConfig.OnPublish(endpoint.url("/on_publish"), ON_PUBLISH_TIMEOUT, failOpen),
                WebhooksConfig.NONE.events()));
    }

    @Test
    void a2xxAllowsAndTheEndpointLearnsWhoPublishes() throws Exception {
        startDaemon(onPublish(false));
        endpoint.answer(request -> WebhookEndpoint.Answer.now(204));

        publishRtmp(KEY);
        awaitLive("main");
        publishSrt(SLOW_KEY);
        awaitLive("slow");

        List<WebhookEndpoint.Received> asked = endpoint.received("/on_publish");
        assertEquals(2, asked.size(), asked.toString());
        JsonNode rtmp = json.readTree(asked.get(0).body());
        assertEquals("main", rtmp.get("stream").asText());
        assertEquals("rtmp", rtmp.get("protocol").asText());
        assertEquals("127.0.0.1", rtmp.get("client").asText());
        assertEquals(KEY, rtmp.get("key").asText());
        assertEquals("application/json", asked.get(0).header("Content-type"));
        JsonNode srt = json.readTree(asked.get(1).body());
        assertEquals("slow", srt.get("stream").asText());
        assertEquals("srt", srt.get("protocol").asText());
        assertEquals(SLOW_KEY, srt.get("key").asText());

        // fail_open changes nothing about an endpoint that answers 2xx.
        server.reconfigure(onPublish(true));
        closePublishers();
        awaitOffAir("main");
        publishSrt(KEY);
        awaitLive("main");
        assertEquals(3, endpoint.received("/on_publish").size());
    }

    @Test
    void anyOtherAnswerRefusesOverRtmpAndSrt() throws Exception {
        startDaemon(onPublish(true));
        endpoint.answer(request -> WebhookEndpoint.Answer.now(403));

        assertRefused(publishRtmp(KEY), "main");
        assertRefused(publishSrt(KEY), "main");
        assertEquals(2, endpoint.received("/on_publish").size());

        // fail_open is about an endpoint that does not answer; a 5xx is an answer, and refuses.
        endpoint.answer(request -> WebhookEndpoint.Answer.now(503));
        assertRefused(publishRtmp(KEY), "main");

        // Nor does fail_closed change what a refusal means.
        server.reconfigure(onPublish(false));
        endpoint.answer(request -> WebhookEndpoint.Answer.now(403));
        assertRefused(publishSrt(KEY), "main");
        assertEquals(4, endpoint.received("/on_publish").size());
    }

    @Test
    void noAnswerInTimeRefusesFailClosedAndAllowsFailOpen() throws Exception {
        startDaemon(onPublish(false));
        endpoint.answer(request -> new WebhookEndpoint.Answer(204, ON_PUBLISH_TIMEOUT.multipliedBy(3)));
        assertRefused(publishRtmp(KEY), "main");
        assertRefused(publishSrt(KEY), "main");

        // The reload applies to the next publisher.
        server.reconfigure(onPublish(true));
        publishRtmp(KEY);
        awaitLive("main");
        closePublishers();
        awaitOffAir("main");
        publishSrt(KEY);
        awaitLive("main");
    }

    @Test
    void anUnreachableEndpointIsNoAnswer() throws Exception {
        String nobody = "http://127.0.0.1:" + freeLoopbackPort() + "/on_publish";
        startDaemon(config.withWebhooks(new WebhooksConfig(new WebhooksConfig.OnPublish(nobody, ON_PUBLISH_TIMEOUT, false),
                WebhooksConfig.NONE.events())));
        assertRefused(publishRtmp(KEY), "main");
        server.reconfigure(config.withWebhooks(new WebhooksConfig(new WebhooksConfig.OnPublish(nobody, ON_PUBLISH_TIMEOUT, true),
                WebhooksConfig.NONE.events())));
        publishRtmp(KEY);
        awaitLive("main");
    }

    @Test
    void aHangingEndpointHoldsUpNoOtherPublisher() throws Exception {
        GlassCastConfig patient = config.withWebhooks(new WebhooksConfig(
                new WebhooksConfig.OnPublish(endpoint.url("/on_publish"), Duration.ofSeconds(10), false),
                WebhooksConfig.NONE.events()));
        startDaemon(patient);
        // The endpoint hangs on "slow" for longer than the whole test, and answers "main" at once.
        endpoint.answer(request -> request.body().contains("\"stream\":\"slow\"")
                ? new WebhookEndpoint.Answer(204, Duration.ofSeconds(30)) : WebhookEndpoint.Answer.now(204));

        publishRtmp(SLOW_KEY);
        publishSrt(SLOW_KEY);
        await("both slow publishes held by the endpoint", Duration.ofSeconds(10), () -> endpoint.waiting() == 2);
        long before = System.nanoTime();
        publishRtmp(KEY);
        awaitLive("main");
        assertTrue(System.nanoTime() - before < Duration.ofSeconds(8).toNanos());
        assertEquals(2, endpoint.waiting(), "the slow publishes are still waiting for their verdict");
        assertFalse(server.hub().isLive(StreamPath.source("slow")));
    }

    @Test
    void lifecycleEventsArriveInOrderSignedAndRetried() throws Exception {
        GlassCastConfig withEvents = config
                .withSlate(new SlateConfig(true, "#000000", null, "", Duration.ofSeconds(2)))
                .withWebhooks(new WebhooksConfig(WebhooksConfig.NONE.onPublish(),
                        new WebhooksConfig.Events(endpoint.url("/events"), SECRET, 3)));
        startDaemon(withEvents);
        // Every delivery fails twice (a 500, then no connection... the same: a failure) before it is taken.
        endpoint.answer(request -> {
            long attempts = endpoint.received("/events").stream()
                    .filter(r -> r.header("X-glasscast-delivery").equals(request.header("X-glasscast-delivery"))).count();
            return WebhookEndpoint.Answer.now(attempts <= 2 ? 500 : 204);
        });

        publishRtmp(KEY);
        awaitLive("main");
        await("stream_started delivered", Duration.ofSeconds(20), () -> taken().contains("stream_started"));
        closePublishers();
        // publisher_lost at once (the slate holds the stream), stream_ended when the slate's 2 s are
        // up, recording_ready once the recorder has written the end of every rendition.
        await("recording_ready delivered", Duration.ofSeconds(40), () -> taken().contains("recording_ready"));
        assertEquals(List.of("stream_started", "publisher_lost", "stream_ended", "recording_ready"), taken());
        JsonNode ready = json.readTree(endpoint.received("/events").stream()
                .filter(r -> r.body().contains("\"event\":\"recording_ready\"")).findFirst().orElseThrow().body());
        assertEquals("/live/main/dvr.m3u8", ready.get("playlist").asText());
        HttpResponse<String> recording = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + ready.get("playlist").asText())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, recording.statusCode(), recording.body());
        assertTrue(recording.body().contains("#EXT-X-STREAM-INF"), recording.body());

        for (WebhookEndpoint.Received request : endpoint.received("/events")) {
            String expected = "sha256=" + HexFormat.of().formatHex(hmac(SECRET, request.body()));
            assertEquals(expected, request.header("X-glasscast-signature"), request.body());
            JsonNode event = json.readTree(request.body());
            assertEquals("main", event.get("stream").asText());
            assertEquals(event.get("event").asText(), request.header("X-glasscast-event"));
            assertEquals(event.get("id").asText(), request.header("X-glasscast-delivery"));
        }
        // Three attempts per event, the same delivery id each time, 1 s and then 2 s apart.
        List<WebhookEndpoint.Received> started = endpoint.received("/events").stream()
                .filter(r -> r.body().contains("\"event\":\"stream_started\"")).toList();
        assertEquals(3, started.size());
        assertEquals(1, started.stream().map(r -> r.header("X-glasscast-delivery")).distinct().count());
        assertTrue(started.get(1).atNanos() - started.get(0).atNanos() >= Duration.ofMillis(900).toNanos());
        assertTrue(started.get(2).atNanos() - started.get(1).atNanos() >= Duration.ofMillis(1900).toNanos());
    }

    /** The events the endpoint took (answered 2xx), in the order it took them. */
    private List<String> taken() {
        List<String> taken = new ArrayList<>();
        List<WebhookEndpoint.Received> all = endpoint.received("/events");
        for (int i = 0; i < all.size(); i++) {
            WebhookEndpoint.Received request = all.get(i);
            String delivery = request.header("X-glasscast-delivery");
            long before = all.subList(0, i).stream().filter(r -> r.header("X-glasscast-delivery").equals(delivery)).count();
            if (before == 2) {
                taken.add(request.header("X-glasscast-event"));
            }
        }
        return taken;
    }

    private static byte[] hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    }

    private FfmpegCli.Running publishRtmp(String key) throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(320, 180, 30, 60));
        args.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + key));
        return started(FfmpegCli.start(dir, args));
    }

    private FfmpegCli.Running publishSrt(String key) throws Exception {
        List<String> args = new ArrayList<>(FfmpegCli.obsLikeSource(320, 180, 30, 60));
        args.addAll(List.of("-f", "mpegts", "srt://127.0.0.1:" + server.srtPort() + "?streamid=" + key + "&latency=200000"));
        return started(FfmpegCli.start(dir, args));
    }

    private FfmpegCli.Running started(FfmpegCli.Running publisher) {
        publishers.add(publisher);
        return publisher;
    }

    private void closePublishers() {
        publishers.forEach(FfmpegCli.Running::close);
        publishers.clear();
    }

    /** The publisher gives up (ffmpeg exits with an error) and the stream never went live. */
    private void assertRefused(FfmpegCli.Running publisher, String stream) throws Exception {
        FfmpegCli.Result result = publisher.await(20, TimeUnit.SECONDS);
        assertNotEquals(0, result.exitCode(), result.stderr());
        assertFalse(server.hub().isLive(StreamPath.source(stream)), stream + " went live");
        publishers.remove(publisher);
    }

    private void awaitLive(String stream) throws Exception {
        await(stream + " live", Duration.ofSeconds(15), () -> server.hub().isLive(StreamPath.source(stream)));
    }

    private void awaitOffAir(String stream) throws Exception {
        await(stream + " off the air", Duration.ofSeconds(15), () -> !server.hub().isLive(StreamPath.source(stream)));
    }

    private static void await(String what, Duration timeout, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static int freeLoopbackPort() throws Exception {
        // Bound and closed: nothing listens there while the test runs (a refused connection).
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
