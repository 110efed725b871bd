package dev.glasscast.ingest.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * The body of an FLV video tag (VIDEODATA, FLV specification v10 E.4.3.1), which is also the
 * payload of an RTMP video message:
 * <pre>
 * UB[4] FrameType        1 = key frame, 2 = inter frame, 5 = video info/command frame
 * UB[4] CodecID          7 = AVC
 * if CodecID == 7:
 *   UI8  AVCPacketType   0 = sequence header, 1 = NALU, 2 = end of sequence
 *   SI24 CompositionTime PTS - DTS in milliseconds when AVCPacketType == 1, else 0
 * data                   AVCDecoderConfigurationRecord, or length-prefixed NAL units
 * </pre>
 * The Enhanced RTMP extension (first bit set: IsExHeader, FourCC codecs such as {@code hvc1}) is
 * recognised but not parsed.
 *
 * @param frameType       FrameType
 * @param codecId         CodecID (0 when {@code extendedHeader})
 * @param extendedHeader  true for an Enhanced RTMP header, whose remaining fields are not read
 * @param avcPacketType   AVCPacketType, or -1 for codecs other than AVC
 * @param compositionTime CompositionTime (signed), 0 for codecs other than AVC
 * @param data            the bytes after the header, copied
 */
public record FlvVideoTag(int frameType, int codecId, boolean extendedHeader, int avcPacketType, int compositionTime, byte[] data) {

    public static final int FRAME_TYPE_KEY = 1;
    public static final int FRAME_TYPE_INTER = 2;
    public static final int FRAME_TYPE_COMMAND = 5;
    public static final int CODEC_AVC = 7;
    public static final int AVC_SEQUENCE_HEADER = 0;
    public static final int AVC_NALU = 1;
    public static final int AVC_END_OF_SEQUENCE = 2;

    /**
     * Parses a tag body from the buffer's readable bytes without moving its indices or changing its
     * reference count.
     *
     * @throws IllegalArgumentException when the body is too short for its header
     */
    public static FlvVideoTag parse(ByteBuf body) {
        int start = body.readerIndex();
        int length = body.readableBytes();
        if (length < 1) {
            throw new IllegalArgumentException("empty FLV video tag");
        }
        int first = body.getUnsignedByte(start);
        if ((first & 0x80) != 0) {
            return new FlvVideoTag((first >> 4) & 0x07, 0, true, -1, 0, new byte[0]);
        }
        int frameType = first >> 4;
        int codecId = first & 0x0F;
        if (codecId != CODEC_AVC || frameType == FRAME_TYPE_COMMAND) {
            return new FlvVideoTag(frameType, codecId, false, -1, 0, ByteBufUtil.getBytes(body, start + 1, length - 1));
        }
        if (length < 5) {
            throw new IllegalArgumentException("AVC video tag of " + length + " bytes is shorter than its 5-byte header");
        }
        int packetType = body.getUnsignedByte(start + 1);
        int compositionTime = body.getMedium(start + 2);
        return new FlvVideoTag(frameType, codecId, false, packetType, compositionTime, ByteBufUtil.getBytes(body, start + 5, length - 5));
    }

    public boolean isKeyFrame() {
        return frameType == FRAME_TYPE_KEY;
    }
}
