package dev.glasscast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    /** The module's directory: surefire runs tests there. */
    private static final Path SAMPLE = Path.of("glasscast.sample.yaml");
    private static final Path SCHEMA = Path.of("glasscast.schema.json");

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void defaultsAreTheAutoLadderAndCopiedAudio() throws Exception {
        GlassCastConfig config = loader.defaults();
        assertEquals(loader.loadText("ladder: auto\n", Map.of()).ladder(), config.ladder());
        assertEquals("source", config.ladder().getFirst().name());
        assertTrue(config.ladder().getFirst().isCopy());
        assertTrue(config.ladder().get(1).isAuto());
        assertEquals(new AudioConfig("copy", 128_000), config.audio());
        assertEquals(SlateConfig.DEFAULT, config.slate());
        assertEquals(Duration.ofSeconds(2), config.packaging().segmentDuration());
        assertEquals("main", config.ingest().streams().getFirst().name());
        assertNull(config.ingest().streams().getFirst().key());
    }

    @Test
    void theSampleLoadsAndMatchesTheDefaultsExceptItsDocumentedLadder() throws Exception {
        GlassCastConfig sample = loader.load(SAMPLE, Map.of());
        GlassCastConfig defaults = loader.defaults();
        // The sample's one deliberate difference, said in its comment above `ladder:`.
        assertEquals(defaults, sample.withLadder(defaults.ladder()));
        assertEquals(List.of("720p", "480p", "360p"), sample.ladder().stream().map(RungConfig::name).toList());
        RungConfig hd = sample.ladder().getFirst();
        assertEquals(new RungConfig("720p", "h264", 0, 720, 3_000_000, 3_300_000, 6_000_000, 0, "veryfast", "high", "3.1",
                128_000), hd);
        assertEquals(640, sample.ladder().get(2).width());
        assertEquals(30, sample.ladder().get(2).maxFps());
        assertEquals(20_000_000_000L, sample.packaging().recordingsMaxBytes());
        assertEquals(PackagingConfig.DEFAULT_RECORDINGS_MAX_BYTES, defaults.packaging().recordingsMaxBytes());
    }

    @Test
    void theSampleAndTheDefaultsFollowTheSchema() throws Exception {
        JsonSchema schema;
        try (InputStream in = Files.newInputStream(SCHEMA)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode sample = yaml.readTree(SAMPLE.toFile());
        assertEquals(Set.of(), schema.validate(sample));
        try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
            assertEquals(Set.of(), schema.validate(yaml.readTree(in)));
        }
        // The schema is not vacuous: it rejects what the loader rejects.
        JsonNode wrong = yaml.readTree("server: {http_prot: 8080}\nladder: [{name: x, height: 1081, video_bitrate: 1M}]\n");
        Set<String> messages = schema.validate(wrong).stream().map(ValidationMessage::getMessage)
                .collect(java.util.stream.Collectors.toSet());
        assertTrue(messages.stream().anyMatch(m -> m.contains("http_prot")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.contains("ladder[0].height")), messages.toString());
        assertEquals(Set.of(), schema.validate(yaml.readTree("ladder: auto\n")), "ladder: auto is valid");
        assertTrue(!schema.validate(yaml.readTree("ladder: automatic\n")).isEmpty(), "only auto is");
    }

    @Test
    void aRungMayLeaveOutWhatItsDefaultsSay() throws Exception {
        GlassCastConfig config = loader.loadText("""
                ladder:
                  - name: sd
                    height: 480
                    video_bitrate: 1.2M
                """, Map.of());
        assertEquals(new RungConfig("sd", "h264", 0, 480, 1_200_000, 0, 0, 0, "veryfast", "high", null, 128_000),
                config.ladder().getFirst());
        assertEquals(1_200_000, config.ladder().getFirst().effectiveMaxrate());
        assertEquals(2_400_000, config.ladder().getFirst().effectiveBufsize());
        assertEquals(854, config.ladder().getFirst().outputWidth(1920, 1080));
    }

    @Test
    void theEnvironmentOverridesTheFileWhichOverridesTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("glasscast.yaml");
        Files.writeString(file, """
                server:
                  http_port: 8081
                  public_url: https://live.example.org
                ladder:
                  - {name: hd, height: 720, video_bitrate: 3M}
                  - {name: sd, height: 360, video_bitrate: 800k}
                """);
        GlassCastConfig config = loader.load(file, Map.of(
                "GLASSCAST_SERVER__HTTP_PORT", "9090",
                "GLASSCAST_INGEST__STREAMS__0__KEY", "s3cret-key",
                "GLASSCAST_INGEST__STREAMS__1__NAME", "studio",
                "GLASSCAST_LADDER__1__VIDEO_BITRATE", "1M",
                "GLASSCAST_AUDIO__CODEC", "aac",
                "GLASSCAST_PACKAGING__PART_DURATION", "400ms",
                "GLASSCAST_PACKAGING__RECORDINGS_MAX_BYTES", "0",
                "GLASSCAST_CONFIG", "/etc/glasscast.yaml",
                "PATH", "/usr/bin"));
        assertEquals(9090, config.server().httpPort());
        assertEquals("https://live.example.org", config.server().publicUrl());
        assertEquals("0.0.0.0", config.server().bind());
        assertEquals(List.of(new StreamConfig("main", "s3cret-key"), new StreamConfig("studio", null)),
                config.ingest().streams());
        assertEquals(1_000_000, config.ladder().get(1).videoBitrate());
        assertEquals(3_000_000, config.ladder().get(0).videoBitrate());
        assertEquals("aac", config.audio().codec());
        assertEquals(Duration.ofMillis(400), config.packaging().partDuration());
        assertEquals(0, config.packaging().recordingsMaxBytes(), "0: recordings without a limit");
    }

    @Test
    void streamsArePublicUnlessSignedPlaybackIsAskedFor() throws Exception {
        GlassCastConfig defaults = loader.defaults();
        assertEquals(StreamConfig.PUBLIC, defaults.ingest().streams().getFirst().playback());
        assertNull(defaults.server().playbackSecret());
        assertEquals(Duration.ofHours(12), defaults.server().playbackLinkLifetime());
        assertEquals(Duration.ofSeconds(20), defaults.server().requestReadTimeout());
        GlassCastConfig config = loader.loadText("""
                server:
                  playback_secret: 0123456789abcdef0123456789abcdef
                  playback_link_lifetime: 90m
                  request_read_timeout: 5s
                ingest:
                  streams:
                    - name: main
                    - name: members
                      playback: signed
                """, Map.of("GLASSCAST_INGEST__STREAMS__0__PLAYBACK", "signed"));
        assertEquals(List.of(new StreamConfig("main", null, "signed"), new StreamConfig("members", null, "signed")),
                config.ingest().streams());
        assertTrue(config.ingest().streams().get(1).signedPlayback());
        assertEquals("0123456789abcdef0123456789abcdef", config.server().playbackSecret());
        assertEquals(Duration.ofMinutes(90), config.server().playbackLinkLifetime());
        assertEquals(Duration.ofSeconds(5), config.server().requestReadTimeout());
        // The secret never reaches a log line through toString.
        assertTrue(!config.server().toString().contains("0123456789abcdef"), config.server().toString());
    }

    @Test
    void ladderAutoIsThePassthroughRungAndTheRungsTheTranscoderChooses() throws Exception {
        GlassCastConfig config = loader.loadText("ladder: auto\n", Map.of());
        assertEquals(List.of("source", "auto"), config.ladder().stream().map(RungConfig::name).toList());
        assertTrue(config.ladder().get(0).isCopy());
        assertTrue(config.ladder().get(1).isAuto());
        assertEquals("veryfast", config.ladder().get(1).preset(), "the rung defaults fill the auto rung");
        ConfigException wrong = assertThrows(ConfigException.class, () -> loader.loadText("ladder: automatic\n", Map.of()));
        assertTrue(wrong.getMessage().contains("ladder"), wrong.getMessage());
    }

    @Test
    void webrtcIsOnByDefaultOnPort8189AndTakesItsKeysFromFileAndEnvironment() throws Exception {
        assertEquals(new WebRtcConfig(true, "0.0.0.0", 8189, null, 100), loader.defaults().webrtc());
        GlassCastConfig config = loader.loadText("""
                webrtc:
                  public_address: 203.0.113.7
                """, Map.of("GLASSCAST_WEBRTC__MAX_SESSIONS", "5", "GLASSCAST_WEBRTC__UDP_PORT", "0"));
        assertEquals(new WebRtcConfig(true, "0.0.0.0", 0, "203.0.113.7", 5), config.webrtc());
    }

    @Test
    void environmentIndexBeyondTheListIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.loadText(null, Map.of("GLASSCAST_LADDER__5__NAME", "x")));
        assertEquals("ladder: has 2 items; '5' is not the number of one (counting from 0)"
                + " (environment variable GLASSCAST_LADDER__5__NAME)", e.getMessage());
    }

    @Test
    void missingFileIsOneClearLine(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(missing, Map.of()));
        assertEquals(missing + " does not exist", e.getMessage());
    }

    @Test
    void anEmptyFileMeansTheDefaults(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing yet\n");
        assertEquals(loader.defaults(), loader.load(empty, Map.of()));
    }

    @Test
    void bitrateText() {
        assertEquals(2_500_000, BitrateText.parse("2500k"));
        assertEquals(2_500_000, BitrateText.parse("2.5M"));
        assertEquals(128_000, BitrateText.parse("128K"));
        assertEquals(64_000, BitrateText.parse("64000"));
        assertThrows(IllegalArgumentException.class, () -> BitrateText.parse("-1k"));
        assertThrows(IllegalArgumentException.class, () -> BitrateText.parse("fast"));
        assertEquals("2500k", BitrateText.format(2_500_000));
        assertEquals("3M", BitrateText.format(3_000_000));
        assertEquals("1234", BitrateText.format(1234));
    }

    @Test
    void closestKeySuggestion() {
        assertEquals("video_bitrate", ConfigShape.closest("video_bitrat", List.of("video_bitrate", "audio_bitrate", "height")));
        assertEquals("height", ConfigShape.closest("heigth", List.of("width", "height")));
        assertNull(ConfigShape.closest("colour", List.of("server", "ladder")));
    }
}
