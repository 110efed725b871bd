package dev.glasscast.ingest.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * The body of an FLV audio tag (AUDIODATA, FLV specification v10 E.4.2.1), which is also the
 * payload of an RTMP audio message:
 * <pre>
 * UB[4] SoundFormat   10 = AAC
 * UB[2] SoundRate     0 = 5.5 kHz, 1 = 11 kHz, 2 = 22 kHz, 3 = 44 kHz (always 3 for AAC)
 * UB[1] SoundSize     0 = 8-bit, 1 = 16-bit
 * UB[1] SoundType     0 = mono, 1 = stereo (always 1 for AAC)
 * if SoundFormat == 10:
 *   UI8 AACPacketType 0 = AudioSpecificConfig, 1 = raw AAC frame
 * data
 * </pre>
 * For AAC the rate and channel fields are meaningless; the AudioSpecificConfig says.
 *
 * @param soundFormat   SoundFormat
 * @param soundRate     SoundRate
 * @param soundSize     SoundSize
 * @param soundType     SoundType
 * @param aacPacketType AACPacketType, or -1 for formats other than AAC
 * @param data          the bytes after the header, copied
 */
public record FlvAudioTag(int soundFormat, int soundRate, int soundSize, int soundType, int aacPacketType, byte[] data) {

    public static final int FORMAT_AAC = 10;
    public static final int AAC_SEQUENCE_HEADER = 0;
    public static final int AAC_RAW = 1;

    /**
     * Parses a tag body from the buffer's readable bytes without moving its indices or changing its
     * reference count.
     *
     * @throws IllegalArgumentException when the body is too short for its header
     */
    public static FlvAudioTag parse(ByteBuf body) {
        int start = body.readerIndex();
        int length = body.readableBytes();
        if (length < 1) {
            throw new IllegalArgumentException("empty FLV audio tag");
        }
        int first = body.getUnsignedByte(start);
        int format = first >> 4;
        int rate = (first >> 2) & 0x03;
        int size = (first >> 1) & 0x01;
        int type = first & 0x01;
        if (format != FORMAT_AAC) {
            return new FlvAudioTag(format, rate, size, type, -1, ByteBufUtil.getBytes(body, start + 1, length - 1));
        }
        if (length < 2) {
            throw new IllegalArgumentException("AAC audio tag without AACPacketType");
        }
        return new FlvAudioTag(format, rate, size, type, body.getUnsignedByte(start + 1), ByteBufUtil.getBytes(body, start + 2, length - 2));
    }
}
