package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AacConfig;
import dev.glasscast.media.codec.AdtsHeader;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * AAC in ADTS (stream_type 0x0F): a PES holds one or more ADTS frames. The PES PTS belongs to
 * the first frame that starts in it; each further frame is 1024 samples later. Timestamps stay
 * in 90 kHz so audio and video share one clock. A frame split across PES packets is carried over.
 */
final class TsAacStream extends TsElementaryStream {

    /** An ADTS frame is at most 8191 bytes (13-bit aac_frame_length). */
    private static final int MAX_CARRY = 8192;

    private AacConfig config;
    private TrackInfo track;
    /** The start of a frame whose end is in the next PES, and that frame's timestamp. */
    private byte[] carry = new byte[0];
    private long carryPts;

    TsAacStream(int pid) {
        super(pid, TsStreamType.AAC_ADTS);
    }

    @Override
    boolean onPes(long pts, long dts, byte[] data, int offset, int length, Consumer<AccessUnit> out) {
        int pos = offset;
        int end = offset + length;
        boolean clean = true;
        if (carry.length > 0) {
            byte[] joined = new byte[carry.length + Math.min(length, MAX_CARRY)];
            System.arraycopy(carry, 0, joined, 0, carry.length);
            System.arraycopy(data, offset, joined, carry.length, joined.length - carry.length);
            int carried = carry.length;
            long framePts = carryPts;
            carry = new byte[0];
            int frameLength = emitFrame(joined, 0, joined.length, framePts, out);
            if (frameLength == 0) {
                carryOver(joined, 0, joined.length, framePts);
                return true;
            }
            if (frameLength < 0) {
                clean = false;
            } else {
                pos += frameLength - carried;
            }
        }
        long index = 0;
        while (pos < end) {
            long framePts = config == null ? pts : pts + index * 1024L * 90_000 / config.sampleRate();
            int frameLength = emitFrame(data, pos, end, framePts, out);
            if (frameLength == 0) {
                carryOver(data, pos, end, framePts);
                break;
            }
            if (frameLength < 0) {
                // Lost sync inside the PES: look for the next ADTS syncword.
                clean = false;
                pos++;
                continue;
            }
            pos += frameLength;
            index++;
        }
        return clean;
    }

    /** @return the frame's length, 0 if it is incomplete, -1 if there is no valid header at {@code pos} */
    private int emitFrame(byte[] buf, int pos, int end, long framePts, Consumer<AccessUnit> out) {
        if (end - pos < AdtsHeader.MIN_LENGTH) {
            return AdtsHeader.isSyncAt(buf, pos) || end - pos < 2 ? 0 : -1;
        }
        if (!AdtsHeader.isSyncAt(buf, pos)) {
            return -1;
        }
        AdtsHeader header;
        try {
            header = AdtsHeader.parse(buf, pos);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (header.frameLength() > end - pos) {
            return 0;
        }
        if (!header.config().equals(config)) {
            config = header.config();
            track = TrackInfo.audio(pid, Codec.AAC, 90_000, config.sampleRate(), config.channels(), 0, config.toBytes());
        }
        long frameDuration = 1024L * 90_000 / config.sampleRate();
        byte[] raw = Arrays.copyOfRange(buf, pos + header.headerLength(), pos + header.frameLength());
        out.accept(new AccessUnit(pid, framePts, framePts, frameDuration, true, raw));
        return header.frameLength();
    }

    private void carryOver(byte[] buf, int from, int to, long framePts) {
        if (to - from <= MAX_CARRY) {
            carry = Arrays.copyOfRange(buf, from, to);
            carryPts = framePts;
        }
    }

    @Override
    TrackInfo track() {
        return track;
    }
}
