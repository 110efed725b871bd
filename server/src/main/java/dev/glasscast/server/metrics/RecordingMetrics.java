package dev.glasscast.server.metrics;

import dev.glasscast.packager.recording.RecordingArchive;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The recordings' counters for {@code GET /metrics}: segments written, segments missing because
 * the recorder fell behind or the disk failed, and bytes pruned to keep within the size limit.
 * Read from the {@link RecordingArchive} at each scrape.
 */
public final class RecordingMetrics implements MeterBinder {

    private final RecordingArchive recordings;

    public RecordingMetrics(RecordingArchive recordings) {
        this.recordings = recordings;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("glasscast.recordings.written.segments", recordings, RecordingArchive::writtenSegments)
                .description("segments written to recordings (file and index line on disk)").register(registry);
        FunctionCounter.builder("glasscast.recordings.dropped.segments", recordings, RecordingArchive::droppedSegments)
                .description("segments missing from recordings: the recorder fell behind or the disk failed")
                .register(registry);
        FunctionCounter.builder("glasscast.recordings.pruned.bytes", recordings, RecordingArchive::prunedBytes)
                .description("bytes of recordings deleted to keep within packaging.recordings_max_bytes")
                .baseUnit("bytes").register(registry);
    }
}
