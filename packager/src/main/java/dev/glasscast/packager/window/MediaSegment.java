package dev.glasscast.packager.window;

import dev.glasscast.packager.FileSpan;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A closed segment of one rendition: a sequence of parts whose bytes, back to back, are the
 * segment. Immutable.
 *
 * @param sequence              media sequence number, counting from 0 for a rendition
 * @param discontinuitySequence how many discontinuities came before or at this segment
 * @param discontinuity         true if the timeline breaks right before this segment
 * @param startTime             decode time of the first sample, in {@code timescale}
 * @param duration              in {@code timescale}
 * @param timescale             the rendition's output timescale
 * @param programDateTime       wall-clock time of the first sample
 * @param parts                 at least one part, in order
 * @param createdAt             when the segment was closed (for Last-Modified)
 */
public record MediaSegment(long sequence, long discontinuitySequence, boolean discontinuity, long startTime,
                           long duration, int timescale, Instant programDateTime, List<SegmentPart> parts,
                           Instant createdAt) {

    public MediaSegment {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a segment needs at least one part");
        }
    }

    public long size() {
        long size = 0;
        for (SegmentPart part : parts) {
            size += part.size();
        }
        return size;
    }

    /** False once the segment's bytes are read from a file (see {@link #onDisk}). */
    public boolean inMemory() {
        for (SegmentPart part : parts) {
            if (!part.bytes().inMemory()) {
                return false;
            }
        }
        return true;
    }

    /**
     * This segment with the same parts read from {@code file}, which holds the parts back to
     * back (as {@link #retainedBody} gives them).
     */
    public MediaSegment onDisk(Path file) {
        List<SegmentPart> moved = new ArrayList<>(parts.size());
        long offset = 0;
        for (SegmentPart part : parts) {
            moved.add(new SegmentPart(part.startTime(), part.duration(), part.independent(),
                    SegmentBytes.onDisk(file, offset, part.size())));
            offset += part.size();
        }
        return new MediaSegment(sequence, discontinuitySequence, discontinuity, startTime, duration, timescale,
                programDateTime, moved, createdAt);
    }

    /**
     * Where the whole segment lies in one file, back to back (a recorded segment), or null while
     * any of it is in memory.
     */
    public FileSpan file() {
        SegmentBytes first = parts.getFirst().bytes();
        if (first.inMemory()) {
            return null;
        }
        long end = first.offset();
        for (SegmentPart part : parts) {
            SegmentBytes bytes = part.bytes();
            if (bytes.inMemory() || !bytes.file().equals(first.file()) || bytes.offset() != end) {
                return null;
            }
            end += bytes.size();
        }
        return new FileSpan(first.file(), first.offset(), end - first.offset());
    }

    public double durationSeconds() {
        return (double) duration / timescale;
    }

    /** Average bits per second over this segment. */
    public long bitrate() {
        return duration == 0 ? 0 : Math.round(size() * 8.0 * timescale / duration);
    }

    /**
     * The segment's bytes as one read-only buffer of retained slices of its parts (no copy; parts on
     * disk are read into buffers from {@code allocator}), or {@code null} when the store has
     * evicted the segment meanwhile. The caller owns the result.
     */
    public ByteBuf retainedBody(ByteBufAllocator allocator) {
        if (parts.size() == 1) {
            return parts.getFirst().bytes().retainedSlice(allocator);
        }
        CompositeByteBuf body = allocator.compositeBuffer(parts.size());
        for (SegmentPart part : parts) {
            ByteBuf slice = part.bytes().retainedSlice(allocator);
            if (slice == null) {
                body.release();
                return null;
            }
            body.addComponent(true, slice);
        }
        return body.asReadOnly();
    }
}
