package dev.glasscast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each {@code with...} replaces its own section and keeps every other one. */
class GlassCastConfigWithersTest {

    @Test
    void everyWitherKeepsTheOtherSections() {
        GlassCastConfig defaults = new ConfigLoader().defaults();
        AudioConfig aac = new AudioConfig("aac", 96_000);
        GlassCastConfig base = defaults.withAudio(aac);
        RungConfig rung = new RungConfig("360p", "h264", 640, 360, 800_000, 0, 0, 0, "veryfast", "main", "3.0", 96_000);
        PackagingConfig packaging = new PackagingConfig(Duration.ofSeconds(4), Duration.ofSeconds(1), 10, Duration.ofMinutes(5));

        List<GlassCastConfig> changed = List.of(
                base.withTestSource(base.testSource().withEnabled(false)),
                base.withServer(base.server().withHttpPort(0)),
                base.withIngest(base.ingest().withStreams(List.of(new StreamConfig("other", "k-other-1")))),
                base.withDataDir(Path.of("elsewhere")),
                base.withLadder(List.of(rung)),
                base.withPackaging(packaging));
        for (GlassCastConfig config : changed) {
            assertEquals(aac, config.audio(), "audio kept by " + config);
        }
        GlassCastConfig all = base.withTestSource(base.testSource().withEnabled(false)).withLadder(List.of(rung))
                .withPackaging(packaging);
        assertEquals(false, all.testSource().enabled());
        assertEquals(List.of(rung), all.ladder());
        assertEquals(packaging, all.packaging());
        assertEquals(base.ingest(), all.ingest());
        assertEquals(base.cache(), all.cache());
        assertEquals(aac, all.audio());
    }
}
