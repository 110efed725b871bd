package dev.glasscast.ingest.rtcp;

/**
 * The body of one RTCP packet within a decoded compound: a bounds-checked view, so that every
 * read past the packet's end becomes an {@link RtcpFormatException} rather than an index error.
 */
final class RtcpBody {

    private final byte[] data;
    private final int start;
    private final int end;

    RtcpBody(byte[] data, int start, int end) {
        this.data = data;
        this.start = start;
        this.end = end;
    }

    int length() {
        return end - start;
    }

    void require(int bytes) {
        if (bytes < 0 || bytes > length()) {
            throw new RtcpFormatException("RTCP packet body of " + length() + " bytes, needs " + bytes);
        }
    }

    int uint8(int offset) {
        require(offset + 1);
        return data[start + offset] & 0xFF;
    }

    int uint16(int offset) {
        require(offset + 2);
        return ((data[start + offset] & 0xFF) << 8) | (data[start + offset + 1] & 0xFF);
    }

    int int16(int offset) {
        return (short) uint16(offset);
    }

    int int32(int offset) {
        require(offset + 4);
        int at = start + offset;
        return ((data[at] & 0xFF) << 24) | ((data[at + 1] & 0xFF) << 16) | ((data[at + 2] & 0xFF) << 8) | (data[at + 3] & 0xFF);
    }

    byte[] copy(int offset, int length) {
        require(offset + length);
        byte[] out = new byte[length];
        System.arraycopy(data, start + offset, out, 0, length);
        return out;
    }
}
