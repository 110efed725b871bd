package dev.glasscast.ingest.rtp;

/**
 * Reads the duration of an Opus packet from its TOC byte (RFC 6716 3.1) and, for code 3, the
 * frame count byte (3.2.5). Nothing else of the packet is parsed: that is the decoder's job, and
 * the duration is all the RTP layer needs (timestamps advance by it, RFC 7587 4.1).
 */
public final class RtpOpusTocReader {

    /** RFC 6716 3.2.5: no packet lasts longer than 120 ms. */
    public static final int MAX_PACKET_SAMPLES = 5760;

    /** Frame sizes in 48 kHz samples for each configuration number (RFC 6716 table 2). */
    private static final int[] FRAME_SAMPLES = {
        480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, // SILK NB, MB, WB: 10, 20, 40, 60 ms
        480, 960, 480, 960,                                               // Hybrid SWB, FB: 10, 20 ms
        120, 240, 480, 960, 120, 240, 480, 960,                           // CELT NB, WB: 2.5, 5, 10, 20 ms
        120, 240, 480, 960, 120, 240, 480, 960,                           // CELT SWB, FB
    };

    private RtpOpusTocReader() {
    }

    /** Samples at 48 kHz of one frame of the packet whose TOC byte is {@code toc}. */
    public static int frameSamples(int toc) {
        return FRAME_SAMPLES[(toc & 0xFF) >>> 3];
    }

    /** Frames in the packet, or -1 if the packet is too short to say or code 3 declares none. */
    public static int frameCount(byte[] packet) {
        if (packet.length < 1) {
            return -1;
        }
        return switch (packet[0] & 0x03) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> packet.length < 2 || (packet[1] & 0x3F) == 0 ? -1 : packet[1] & 0x3F;
        };
    }

    /**
     * The packet's duration in 48 kHz samples, or -1 if it is empty, declares no frames, or
     * exceeds 120 ms (which RFC 6716 3.4 makes invalid).
     */
    public static int durationSamples(byte[] packet) {
        int frames = frameCount(packet);
        if (frames < 0) {
            return -1;
        }
        int samples = frames * frameSamples(packet[0]);
        return samples > MAX_PACKET_SAMPLES ? -1 : samples;
    }
}
