package dev.glasscast.packager.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.packager.hls.Snapshots;
import org.junit.jupiter.api.Test;

class Rfc6381CodecsTest {

    @Test
    void avcFromProfileCompatibilityAndLevelBytes() {
        assertEquals("avc1.64001f", Rfc6381Codecs.of(Snapshots.VIDEO_720));
        assertEquals("avc1.4d401e", Rfc6381Codecs.avc(Snapshots.AVCC_MAIN_30));
        assertEquals("avc1.42e00a", Rfc6381Codecs.avc(new byte[] {1, 0x42, (byte) 0xe0, 0x0a, (byte) 0xff}));
        assertEquals("avc1.42001e", Rfc6381Codecs.avc(new byte[] {1}), "too short: a safe baseline guess");
    }

    @Test
    void aacFromTheAudioObjectType() {
        assertEquals("mp4a.40.2", Rfc6381Codecs.of(Snapshots.AUDIO));
        assertEquals("mp4a.40.5", Rfc6381Codecs.aac(new byte[] {0x2b, (byte) 0x92, 0x08, 0x00}));
        // 11111 then 001010: escape to 32 + 10.
        assertEquals("mp4a.40.42", Rfc6381Codecs.aac(new byte[] {(byte) 0xf9, 0x40}));
        assertEquals("mp4a.40.2", Rfc6381Codecs.aac(new byte[0]));
    }

    @Test
    void hevcFromTheRecordsProfileTierAndLevel() {
        // x265's Main profile at level 2 (60 = 2.0 x 30), as HevcDecoderConfig builds it from its SPS.
        byte[] hvcC = dev.glasscast.media.codec.HevcDecoderConfig.toBytes(
                java.util.HexFormat.of().parseHex("40010c01ffff01600000030090000003000003003c959809"),
                java.util.HexFormat.of().parseHex("42010101600000030090000003000003003ca00a080b9f796566924caf016808000003000800000300f040"),
                java.util.HexFormat.of().parseHex("4401c172b46240"));
        assertEquals("hvc1.1.6.L60.90", Rfc6381Codecs.hevc(hvcC));
        // Main 10, high tier, level 5.1, progressive and frame-only constraints (the spec's example form).
        byte[] main10 = new byte[23];
        main10[1] = 0x22;
        main10[2] = 0x20;
        main10[6] = (byte) 0xB0;
        main10[12] = (byte) 153;
        assertEquals("hvc1.2.4.H153.B0", Rfc6381Codecs.hevc(main10));
    }
}
