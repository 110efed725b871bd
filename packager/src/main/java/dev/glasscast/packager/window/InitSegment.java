package dev.glasscast.packager.window;

import dev.glasscast.media.TrackInfo;
import java.util.Objects;

/**
 * The init segment (ftyp + moov) of one period of a rendition, which every media segment from
 * {@code firstSequence} up to the next period's first sequence decodes with. A period begins with
 * each publication and with each change of the track's codec parameters (a new SPS, sample rate,
 * codec or timescale), so one live event can hold several.
 *
 * <p>Renderers name it by {@code firstSequence}: media sequence numbers are unique per rendition
 * across publications and daemon restarts (see {@link FirstSequenceNumber}), so the name is as
 * immutable as the bytes.
 *
 * @param firstSequence media sequence number of the first segment of the period
 * @param bytes         owned by the store, like the parts
 * @param track         the input track the period's segments carry (codec, picture or sound
 *                      format, codec configuration): renderers describe a period's media by it
 */
public record InitSegment(long firstSequence, SegmentBytes bytes, TrackInfo track) {

    public InitSegment {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(track, "track");
    }
}
