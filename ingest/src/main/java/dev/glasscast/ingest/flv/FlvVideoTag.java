package dev.glasscast.ingest.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * The body of an FLV video tag (VIDEODATA), which is also the payload of an RTMP video message.
 * Two headers exist. The legacy one (FLV specification v10.1, E.4.3.1):
 * <pre>
 * UB[4] FrameType        1 = key frame, 2 = inter frame, 5 = video info/command frame
 * UB[4] CodecID          7 = AVC; 12 = HEVC (a pre-standard extension some encoders still send)
 * if CodecID == 7 or 12:
 *   UI8  AVCPacketType   0 = sequence header, 1 = NALU, 2 = end of sequence
 *   SI24 CompositionTime PTS - DTS in milliseconds when AVCPacketType == 1, else 0
 * data                   decoder configuration record, or length-prefixed NAL units
 * </pre>
 * and the Enhanced RTMP one (veovera "Enhancing RTMP, FLV", v1 and v2), which OBS 30+ and
 * FFmpeg 6.1+ send for HEVC and AV1:
 * <pre>
 * UB[1] IsExHeader = 1
 * UB[3] FrameType
 * UB[4] PacketType       0 SequenceStart, 1 CodedFrames, 2 SequenceEnd, 3 CodedFramesX,
 *                        4 Metadata, 5 MPEG2TSSequenceStart, 6 Multitrack, 7 ModEx
 * while PacketType == ModEx:
 *   UI8 (or UI16 after 0xFF) ModExDataSize - 1, ModExData, UB[4] ModExType, UB[4] PacketType
 * UI32  FourCC           'hvc1', 'av01', 'vp09', 'avc1'
 * if PacketType == CodedFrames and FourCC is 'hvc1' or 'avc1': SI24 CompositionTime
 * data                   hvcC / av1C / avcC for SequenceStart; the frame for coded frames
 * </pre>
 * Both map onto one shape: {@link #packetType()} is {@link #SEQUENCE_HEADER}, {@link #CODED_FRAME}
 * or {@link #END_OF_SEQUENCE}, and -1 for what carries no picture or is not read (metadata,
 * multitrack, other legacy codecs).
 *
 * @param frameType       FrameType
 * @param codecId         legacy CodecID, or 0 with an Enhanced RTMP header
 * @param fourCc          the Enhanced RTMP FourCC ("" when not read: multitrack), or null for a legacy header
 * @param packetType      what the data is, as above
 * @param compositionTime CompositionTime (signed, milliseconds), 0 where the header has none
 * @param data            the bytes after the header, copied
 */
public record FlvVideoTag(int frameType, int codecId, String fourCc, int packetType, int compositionTime, byte[] data) {

    public static final int FRAME_TYPE_KEY = 1;
    public static final int FRAME_TYPE_INTER = 2;
    public static final int FRAME_TYPE_COMMAND = 5;
    public static final int CODEC_AVC = 7;
    public static final int CODEC_HEVC = 12;
    public static final int SEQUENCE_HEADER = 0;
    public static final int CODED_FRAME = 1;
    public static final int END_OF_SEQUENCE = 2;

    public static final String FOURCC_HEVC = "hvc1";
    public static final String FOURCC_AV1 = "av01";
    public static final String FOURCC_AVC = "avc1";

    private static final int EX_SEQUENCE_START = 0;
    private static final int EX_CODED_FRAMES = 1;
    private static final int EX_SEQUENCE_END = 2;
    private static final int EX_CODED_FRAMES_X = 3;
    private static final int EX_METADATA = 4;
    private static final int EX_MULTITRACK = 6;
    private static final int EX_MOD_EX = 7;

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
            return parseEnhanced(body, start, start + length, first);
        }
        int frameType = first >> 4;
        int codecId = first & 0x0F;
        if ((codecId != CODEC_AVC && codecId != CODEC_HEVC) || frameType == FRAME_TYPE_COMMAND) {
            return new FlvVideoTag(frameType, codecId, null, -1, 0, ByteBufUtil.getBytes(body, start + 1, length - 1));
        }
        if (length < 5) {
            throw new IllegalArgumentException("video tag of " + length + " bytes is shorter than its 5-byte header");
        }
        int packetType = body.getUnsignedByte(start + 1);
        int compositionTime = body.getMedium(start + 2);
        return new FlvVideoTag(frameType, codecId, null, packetType <= END_OF_SEQUENCE ? packetType : -1,
                compositionTime, ByteBufUtil.getBytes(body, start + 5, length - 5));
    }

    private static FlvVideoTag parseEnhanced(ByteBuf body, int start, int end, int first) {
        int frameType = (first >> 4) & 0x07;
        int exPacketType = first & 0x0F;
        int at = start + 1;
        while (exPacketType == EX_MOD_EX) {
            // A modifier (v2: a nanosecond timestamp offset) for the packet that follows; not needed here.
            require(at + 1, end, "ModEx size");
            int size = body.getUnsignedByte(at++) + 1;
            if (size == 256) {
                require(at + 2, end, "ModEx size");
                size = body.getUnsignedShort(at) + 1;
                at += 2;
            }
            require(at + size + 1, end, "ModEx data");
            at += size;
            exPacketType = body.getUnsignedByte(at++) & 0x0F;
        }
        if (exPacketType == EX_MULTITRACK) {
            return new FlvVideoTag(frameType, 0, "", -1, 0, new byte[0]);
        }
        if (frameType == FRAME_TYPE_COMMAND && exPacketType != EX_METADATA) {
            return new FlvVideoTag(frameType, 0, "", -1, 0, new byte[0]);
        }
        require(at + 4, end, "FourCC");
        String fourCc = body.toString(at, 4, StandardCharsets.ISO_8859_1);
        at += 4;
        int compositionTime = 0;
        int packetType = switch (exPacketType) {
            case EX_SEQUENCE_START -> SEQUENCE_HEADER;
            case EX_CODED_FRAMES, EX_CODED_FRAMES_X -> CODED_FRAME;
            case EX_SEQUENCE_END -> END_OF_SEQUENCE;
            default -> -1;
        };
        if (exPacketType == EX_CODED_FRAMES && (fourCc.equals(FOURCC_HEVC) || fourCc.equals(FOURCC_AVC))) {
            require(at + 3, end, "CompositionTime");
            compositionTime = body.getMedium(at);
            at += 3;
        }
        return new FlvVideoTag(frameType, 0, fourCc, packetType, compositionTime, ByteBufUtil.getBytes(body, at, end - at));
    }

    private static void require(int needed, int end, String what) {
        if (needed > end) {
            throw new IllegalArgumentException("Enhanced RTMP video tag ends inside its " + what);
        }
    }

    public boolean isKeyFrame() {
        return frameType == FRAME_TYPE_KEY;
    }

    /** True for an Enhanced RTMP header. */
    public boolean extendedHeader() {
        return fourCc != null;
    }
}
