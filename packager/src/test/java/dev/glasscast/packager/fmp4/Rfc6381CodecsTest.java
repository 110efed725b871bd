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
}
