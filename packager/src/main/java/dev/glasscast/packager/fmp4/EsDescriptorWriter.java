package dev.glasscast.packager.fmp4;

/**
 * Writes the ISO/IEC 14496-1 descriptors inside {@code esds}: ES_Descriptor, holding a
 * DecoderConfigDescriptor (with the AudioSpecificConfig as DecoderSpecificInfo) and an
 * SLConfigDescriptor.
 *
 * <pre>
 * abstract aligned(8) expandable(2^28-1) class BaseDescriptor : bit(8) tag = 0 { }
 *     // the size follows the tag as 1 to 4 bytes, 7 bits each, high bit = "another byte follows"
 * </pre>
 */
final class EsDescriptorWriter {

    static final int ES_DESCRIPTOR_TAG = 0x03;
    static final int DECODER_CONFIG_DESCRIPTOR_TAG = 0x04;
    static final int DECODER_SPECIFIC_INFO_TAG = 0x05;
    static final int SL_CONFIG_DESCRIPTOR_TAG = 0x06;

    /** objectTypeIndication of MPEG-4 Audio (14496-3), which covers AAC. */
    static final int OBJECT_TYPE_MPEG4_AUDIO = 0x40;
    static final int STREAM_TYPE_AUDIO = 0x05;
    /** SLConfigDescriptor.predefined value reserved for MP4 files. */
    private static final int SL_PREDEFINED_MP4 = 0x02;

    private EsDescriptorWriter() {
    }

    /**
     * <pre>
     * class ES_Descriptor extends BaseDescriptor : bit(8) tag=ES_DescrTag {
     *     bit(16) ES_ID; bit(1) streamDependenceFlag; bit(1) URL_Flag; bit(1) OCRstreamFlag;
     *     bit(5) streamPriority;
     *     DecoderConfigDescriptor decConfigDescr; SLConfigDescriptor slConfigDescr;
     * }
     * </pre>
     */
    static void esDescriptor(BoxWriter box, int esId, long bitrate, byte[] audioSpecificConfig) {
        int decoderSpecificInfoSize = audioSpecificConfig.length;
        int decoderConfigSize = 13 + headerSize(decoderSpecificInfoSize) + decoderSpecificInfoSize;
        int slConfigSize = 1;
        int esSize = 3 + headerSize(decoderConfigSize) + decoderConfigSize + headerSize(slConfigSize) + slConfigSize;

        header(box, ES_DESCRIPTOR_TAG, esSize);
        box.u16(esId);
        box.u8(0);
        decoderConfigDescriptor(box, decoderConfigSize, bitrate, audioSpecificConfig);
        header(box, SL_CONFIG_DESCRIPTOR_TAG, slConfigSize);
        box.u8(SL_PREDEFINED_MP4);
    }

    /**
     * <pre>
     * class DecoderConfigDescriptor extends BaseDescriptor : bit(8) tag=DecoderConfigDescrTag {
     *     bit(8) objectTypeIndication; bit(6) streamType; bit(1) upStream; const bit(1) reserved=1;
     *     bit(24) bufferSizeDB; bit(32) maxBitrate; bit(32) avgBitrate;
     *     DecoderSpecificInfo decSpecificInfo[0 .. 1];
     * }
     * </pre>
     */
    private static void decoderConfigDescriptor(BoxWriter box, int size, long bitrate, byte[] audioSpecificConfig) {
        header(box, DECODER_CONFIG_DESCRIPTOR_TAG, size);
        box.u8(OBJECT_TYPE_MPEG4_AUDIO);
        box.u8(STREAM_TYPE_AUDIO << 2 | 1);
        box.u24(0);
        box.u32(bitrate);
        box.u32(bitrate);
        header(box, DECODER_SPECIFIC_INFO_TAG, audioSpecificConfig.length);
        box.bytes(audioSpecificConfig);
    }

    private static void header(BoxWriter box, int tag, int size) {
        box.u8(tag);
        int bytes = headerSize(size) - 1;
        for (int i = bytes - 1; i >= 0; i--) {
            int sevenBits = (size >>> (7 * i)) & 0x7F;
            box.u8(i > 0 ? sevenBits | 0x80 : sevenBits);
        }
    }

    /** Tag byte plus the fewest size bytes that hold {@code size}. */
    static int headerSize(int size) {
        if (size < 0 || size >= 1 << 28) {
            throw new IllegalArgumentException("descriptor size out of range: " + size);
        }
        int sizeBytes = 1;
        while (size >= 1 << (7 * sizeBytes)) {
            sizeBytes++;
        }
        return 1 + sizeBytes;
    }
}
