package dev.glasscast.media.codec;

/**
 * The AudioSpecificConfig of ISO/IEC 14496-3 1.6.2.1, reduced to what AAC-LC/HE-AAC streams
 * use:
 * <pre>
 * audioObjectType          5 bits (31 = escape: 32 + 6 more bits)
 * samplingFrequencyIndex   4 bits (15 = explicit 24-bit frequency)
 * channelConfiguration     4 bits
 * </pre>
 *
 * @param objectType  audio object type (2 = AAC LC)
 * @param sampleRate  sampling frequency in Hz
 * @param channels    channel configuration (1 mono, 2 stereo, ...)
 */
public record AacConfig(int objectType, int sampleRate, int channels) {

    static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};

    public static AacConfig parse(byte[] asc) {
        if (asc.length < 2) {
            throw new IllegalArgumentException("AudioSpecificConfig too short");
        }
        BitReader r = new BitReader(asc, 0, asc.length);
        int objectType = r.readBits(5);
        if (objectType == 31) {
            objectType = 32 + r.readBits(6);
        }
        int frequencyIndex = r.readBits(4);
        int sampleRate = frequencyIndex == 15 ? r.readBits(24) : rateForIndex(frequencyIndex);
        int channels = r.readBits(4);
        return new AacConfig(objectType, sampleRate, channels);
    }

    public static int rateForIndex(int index) {
        if (index < 0 || index >= SAMPLE_RATES.length) {
            throw new IllegalArgumentException("reserved sampling frequency index " + index);
        }
        return SAMPLE_RATES[index];
    }

    public static int indexForRate(int rate) {
        for (int i = 0; i < SAMPLE_RATES.length; i++) {
            if (SAMPLE_RATES[i] == rate) {
                return i;
            }
        }
        return 15;
    }

    /** A two-byte (or five-byte, for unusual rates) AudioSpecificConfig for this configuration. */
    public byte[] toBytes() {
        int index = indexForRate(sampleRate);
        if (index != 15) {
            return new byte[] {
                (byte) ((objectType << 3) | (index >> 1)),
                (byte) (((index & 1) << 7) | (channels << 3))
            };
        }
        long bits = ((long) objectType << 35) | (15L << 31) | ((long) sampleRate << 7) | ((long) channels << 3);
        return new byte[] {(byte) (bits >>> 32), (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    /** The RFC 6381 codec string, e.g. {@code mp4a.40.2}. */
    public String codecString() {
        return "mp4a.40." + objectType;
    }
}
