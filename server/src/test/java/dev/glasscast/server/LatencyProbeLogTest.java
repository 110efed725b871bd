package dev.glasscast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.media.StreamPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mark is a line of the form bench/latency/budget.mjs splits on spaces:
 * {@code <epoch ms> <stage> <what> <pts> <extra>}; written at once, readable while the daemon runs.
 */
class LatencyProbeLogTest {

    @TempDir
    Path dir;

    @Test
    void writesALinePerMarkInTheBudgetScriptsForm() throws Exception {
        Path file = dir.resolve("probe.log");
        AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        StreamPath rendition = StreamPath.rendition("main", "p360");
        try (LatencyProbeLog probe = new LatencyProbeLog(file, clock::getAndIncrement)) {
            probe.ingested(1000);
            probe.decoded(1000, 12_345);
            probe.encoded("p360", 1000);
            probe.segmenterReceived(rendition, 1000);
            probe.partCut(rendition, 17, 2, 1000, 1466);
            // Flushed as written: a benchmark reads it while the daemon runs.
            assertEquals(List.of(
                    "1700000000000 ingest video 1000 0",
                    "1700000000001 decoded video 1000 12345",
                    "1700000000002 encoded p360 1000 0",
                    "1700000000003 segin " + rendition + " 1000 0",
                    "1700000000004 part " + rendition + ":17:2 1000 1466"), Files.readAllLines(file));
        }
    }
}
