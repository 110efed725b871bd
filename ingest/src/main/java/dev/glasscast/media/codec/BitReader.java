package dev.glasscast.media.codec;

/**
 * Reads bits MSB-first from a byte array, with the Exp-Golomb codes of H.264/H.265 (ITU-T H.264
 * 9.1). Reading past the end throws {@link IllegalArgumentException}, so a truncated parameter
 * set is a clean parse error rather than garbage.
 */
public final class BitReader {

    private final byte[] data;
    private final int end;
    private int bitPosition;

    public BitReader(byte[] data, int offset, int length) {
        this.data = data;
        this.bitPosition = offset * 8;
        this.end = (offset + length) * 8;
    }

    public int readBit() {
        if (bitPosition >= end) {
            throw new IllegalArgumentException("bitstream truncated");
        }
        int bit = (data[bitPosition >>> 3] >> (7 - (bitPosition & 7))) & 1;
        bitPosition++;
        return bit;
    }

    public boolean readFlag() {
        return readBit() == 1;
    }

    public int readBits(int count) {
        int value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | readBit();
        }
        return value;
    }

    public void skipBits(int count) {
        for (int i = 0; i < count; i++) {
            readBit();
        }
    }

    /** ue(v). */
    public int readUnsignedExpGolomb() {
        int leadingZeros = 0;
        while (readBit() == 0) {
            leadingZeros++;
            if (leadingZeros > 31) {
                throw new IllegalArgumentException("Exp-Golomb code too long");
            }
        }
        return (int) ((1L << leadingZeros) - 1 + (leadingZeros == 0 ? 0 : readBitsLong(leadingZeros)));
    }

    /** se(v). */
    public int readSignedExpGolomb() {
        int code = readUnsignedExpGolomb();
        return (code & 1) == 1 ? (code + 1) / 2 : -(code / 2);
    }

    public boolean hasMore() {
        return bitPosition < end;
    }

    private long readBitsLong(int count) {
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | readBit();
        }
        return value;
    }
}
