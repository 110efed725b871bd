package dev.glasscast.packager.store;

/**
 * The init segment (ftyp + moov) of one publication of a rendition, which every media segment
 * from {@code firstSequence} up to the next publication's first sequence decodes with.
 *
 * <p>Renderers name it by {@code firstSequence}: media sequence numbers are unique per rendition
 * across publications and daemon restarts (see {@link SequenceStart}), so the name is as
 * immutable as the bytes.
 *
 * @param firstSequence media sequence number of the first segment of the publication
 * @param bytes         owned by the store, like the parts
 */
public record InitSegment(long firstSequence, StoredBytes bytes) {
}
