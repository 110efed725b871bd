package dev.glasscast.media.codec;

/**
 * The fixed and variable ADTS header (ISO/IEC 13818-7 6.2) that frames AAC in MPEG-TS:
 * <pre>
 * syncword 12 | ID 1 | layer 2 | protection_absent 1 | profile 2 | sampling_frequency_index 4 |
 * private_bit 1 | channel_configuration 3 | original_copy 1 | home 1 |
 * copyright_id_bit 1 | copyright_id_start 1 | aac_frame_length 13 | adts_buffer_fullness 11 |
 * number_of_raw_data_blocks_in_frame 2 | [crc_check 16 if protection_absent == 0]
 * </pre>
 *
 * @param config       the equivalent AudioSpecificConfig
 * @param headerLength 7, or 9 with CRC
 * @param frameLength  header plus payload, bytes
 */
public record AdtsHeader(AacConfig config, int headerLength, int frameLength) {

    public static final int MIN_LENGTH = 7;

    public static boolean isSyncAt(byte[] data, int offset) {
        return offset + 1 < data.length && (data[offset] & 0xFF) == 0xFF && (data[offset + 1] & 0xF6) == 0xF0;
    }

    public static AdtsHeader parse(byte[] data, int offset) {
        if (offset + MIN_LENGTH > data.length || !isSyncAt(data, offset)) {
            throw new IllegalArgumentException("no ADTS header at " + offset);
        }
        boolean protectionAbsent = (data[offset + 1] & 0x01) == 1;
        int profile = (data[offset + 2] & 0xC0) >>> 6;
        int frequencyIndex = (data[offset + 2] & 0x3C) >>> 2;
        int channels = ((data[offset + 2] & 0x01) << 2) | ((data[offset + 3] & 0xC0) >>> 6);
        int frameLength = ((data[offset + 3] & 0x03) << 11) | ((data[offset + 4] & 0xFF) << 3) | ((data[offset + 5] & 0xE0) >>> 5);
        int headerLength = protectionAbsent ? 7 : 9;
        if (frameLength < headerLength) {
            throw new IllegalArgumentException("ADTS frame length " + frameLength + " shorter than its header");
        }
        return new AdtsHeader(new AacConfig(profile + 1, AacConfig.rateForIndex(frequencyIndex), channels), headerLength, frameLength);
    }

    /** The 7-byte header (no CRC) for a raw frame of {@code payloadLength} bytes. */
    public static byte[] build(AacConfig config, int payloadLength) {
        int frameLength = payloadLength + 7;
        int index = AacConfig.indexForRate(config.sampleRate());
        int profile = config.objectType() - 1;
        return new byte[] {
            (byte) 0xFF,
            (byte) 0xF1,
            (byte) ((profile << 6) | (index << 2) | (config.channels() >> 2)),
            (byte) (((config.channels() & 3) << 6) | (frameLength >> 11)),
            (byte) (frameLength >> 3),
            (byte) (((frameLength & 7) << 5) | 0x1F),
            (byte) 0xFC
        };
    }
}
