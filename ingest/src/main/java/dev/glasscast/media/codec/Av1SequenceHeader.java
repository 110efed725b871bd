package dev.glasscast.media.codec;

/**
 * The picture size an AV1 stream declares, read from the sequence header OBU inside an
 * AV1CodecConfigurationRecord ({@code av1C}, AV1 ISOBMFF binding 2.3):
 * <pre>
 * unsigned int(1) marker = 1; unsigned int(7) version = 1;
 * unsigned int(3) seq_profile; unsigned int(5) seq_level_idx_0;
 * ... 2 more bytes of flags ...
 * unsigned int(8) configOBUs[];   // OBUs with obu_has_size_field, the sequence header first
 * </pre>
 * and the sequence header OBU (AV1 specification 5.5) up to {@code max_frame_height_minus_1}.
 *
 * @param profile seq_profile (0 main, 1 high, 2 professional)
 */
public record Av1SequenceHeader(int profile, int width, int height) {

    private static final int OBU_SEQUENCE_HEADER = 1;
    private static final int CONFIG_RECORD_FIXED_PART = 4;

    /** @throws IllegalArgumentException when the record holds no readable sequence header */
    public static Av1SequenceHeader fromConfigRecord(byte[] av1C) {
        if (av1C.length < CONFIG_RECORD_FIXED_PART || (av1C[0] & 0xFF) != 0x81) {
            throw new IllegalArgumentException("not an AV1CodecConfigurationRecord (" + av1C.length + " bytes)");
        }
        int at = CONFIG_RECORD_FIXED_PART;
        while (at < av1C.length) {
            int header = av1C[at] & 0xFF;
            int type = (header >> 3) & 0x0F;
            boolean extension = (header & 0x04) != 0;
            boolean hasSize = (header & 0x02) != 0;
            at += extension ? 2 : 1;
            if (!hasSize) {
                // Without a size the OBU runs to the end of the record.
                return type == OBU_SEQUENCE_HEADER ? parse(av1C, at, av1C.length - at) : fail();
            }
            long size = 0;
            int shift = 0;
            do {
                if (at >= av1C.length || shift > 28) {
                    throw new IllegalArgumentException("AV1 OBU size cut short");
                }
                size |= (long) (av1C[at] & 0x7F) << shift;
                shift += 7;
            } while ((av1C[at++] & 0x80) != 0);
            if (size > av1C.length - at) {
                throw new IllegalArgumentException("AV1 OBU of " + size + " bytes runs past the record");
            }
            if (type == OBU_SEQUENCE_HEADER) {
                return parse(av1C, at, (int) size);
            }
            at += (int) size;
        }
        return fail();
    }

    private static Av1SequenceHeader fail() {
        throw new IllegalArgumentException("AV1CodecConfigurationRecord without a sequence header OBU");
    }

    private static Av1SequenceHeader parse(byte[] data, int offset, int length) {
        BitReader bits = new BitReader(data, offset, length);
        int profile = bits.readBits(3);
        bits.skipBits(1); // still_picture
        boolean reducedStillPictureHeader = bits.readFlag();
        if (reducedStillPictureHeader) {
            bits.skipBits(5); // seq_level_idx[0]
        } else {
            boolean decoderModelInfoPresent = false;
            int bufferDelayLength = 0;
            if (bits.readFlag()) { // timing_info_present_flag
                bits.skipBits(32); // num_units_in_display_tick
                bits.skipBits(32); // time_scale
                if (bits.readFlag()) { // equal_picture_interval
                    bits.readUnsignedExpGolomb(); // num_ticks_per_picture_minus_1, uvlc()
                }
                decoderModelInfoPresent = bits.readFlag();
                if (decoderModelInfoPresent) {
                    bufferDelayLength = bits.readBits(5) + 1;
                    bits.skipBits(32); // num_units_in_decoding_tick
                    bits.skipBits(5); // buffer_removal_time_length_minus_1
                    bits.skipBits(5); // frame_presentation_time_length_minus_1
                }
            }
            boolean initialDisplayDelayPresent = bits.readFlag();
            int operatingPoints = bits.readBits(5) + 1;
            for (int i = 0; i < operatingPoints; i++) {
                bits.skipBits(12); // operating_point_idc
                int level = bits.readBits(5);
                if (level > 7) {
                    bits.skipBits(1); // seq_tier
                }
                if (decoderModelInfoPresent && bits.readFlag()) {
                    bits.skipBits(2 * bufferDelayLength + 1); // decoder/encoder_buffer_delay, low_delay_mode_flag
                }
                if (initialDisplayDelayPresent && bits.readFlag()) {
                    bits.skipBits(4); // initial_display_delay_minus_1
                }
            }
        }
        int widthBits = bits.readBits(4) + 1;
        int heightBits = bits.readBits(4) + 1;
        int width = bits.readBits(widthBits) + 1;
        int height = bits.readBits(heightBits) + 1;
        return new Av1SequenceHeader(profile, width, height);
    }
}
