package dev.glasscast.server;

import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The latency probe's record, a line per mark, in the form {@code bench/latency/budget.mjs}
 * reads: {@code <epoch ms> <stage> <what> <pts> <extra>}, with stage one of {@code ingest},
 * {@code decoded} (extra: the picture's stamp), {@code encoded} (what: the rung),
 * {@code segin} (what: the rendition path) and {@code part} (what:
 * {@code <rendition>:<sequence>:<part>}, pts and extra: its first and last PTS). Spaces in
 * names become underscores, since a space ends a field.
 *
 * <p>Made by {@link GlassCastMain} when the JVM runs with
 * {@code -Dglasscast.latencyProbe=FILE}. Each line is flushed as it is written, so the file can
 * be read while the daemon runs and nothing is lost if it is killed; one lock orders the lines
 * of all threads. That costs a write per mark (a few hundred a second): for benchmarks only.
 */
public final class LatencyProbeLog implements LatencyProbe, AutoCloseable {

    /** The system property that names the file; the probe is off without it. */
    public static final String PROPERTY = "glasscast.latencyProbe";

    private final PrintWriter out;
    private final LongSupplier wallClockMillis;

    /** @param wallClockMillis the marks' clock, usually {@code System::currentTimeMillis} (the publisher's stamps use it too) */
    public LatencyProbeLog(Path file, LongSupplier wallClockMillis) throws IOException {
        this.out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), false);
        this.wallClockMillis = wallClockMillis;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void ingested(long pts) {
        mark("ingest", "video", pts, 0);
    }

    @Override
    public void decoded(long pts, long stamp) {
        mark("decoded", "video", pts, stamp);
    }

    @Override
    public void encoded(String rung, long pts) {
        mark("encoded", field(rung), pts, 0);
    }

    @Override
    public void segmenterReceived(StreamPath rendition, long pts) {
        mark("segin", field(rendition.toString()), pts, 0);
    }

    @Override
    public void partCut(StreamPath rendition, long sequence, int part, long firstPts, long lastPts) {
        mark("part", field(rendition.toString()) + ":" + sequence + ":" + part, firstPts, lastPts);
    }

    private static String field(String name) {
        return name.replace(' ', '_');
    }

    private void mark(String stage, String what, long pts, long extra) {
        long now = wallClockMillis.getAsLong();
        synchronized (out) {
            out.println(now + " " + stage + " " + what + " " + pts + " " + extra);
            out.flush();
        }
    }

    @Override
    public void close() {
        synchronized (out) {
            out.close();
        }
    }

    @Override
    public String toString() {
        return "latency probe log";
    }
}
