package dev.glasscast.packager.fmp4;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes ISO/IEC 14496-12 boxes into a {@link ByteBuf}: a box is opened with its type and a
 * placeholder size, its fields are appended, and closing it patches the size in.
 *
 * <pre>
 * aligned(8) class Box (unsigned int(32) boxtype) {
 *     unsigned int(32) size;
 *     unsigned int(32) type = boxtype;
 * }
 * aligned(8) class FullBox(unsigned int(32) boxtype, unsigned int(8) v, bit(24) f) extends Box(boxtype) {
 *     unsigned int(8) version = v;
 *     bit(24) flags = f;
 * }
 * </pre>
 *
 * <p>Buffer ownership: the writer borrows {@code out}; it never retains or releases it.
 * Not thread-safe; one writer per buffer being written.
 */
final class BoxWriter {

    /** The identity transformation matrix of mvhd and tkhd, in 16.16 and 2.30 fixed point. */
    private static final int[] UNITY_MATRIX = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};

    private final ByteBuf out;

    BoxWriter(ByteBuf out) {
        this.out = out;
    }

    ByteBuf buffer() {
        return out;
    }

    /** Opens a box; returns the index to hand to {@link #end(int)}. */
    int begin(String type) {
        int start = out.writerIndex();
        out.writeInt(0);
        fourCc(type);
        return start;
    }

    /** Opens a full box (a box with version and flags). */
    int beginFull(String type, int version, int flags) {
        int start = begin(type);
        out.writeByte(version);
        out.writeMedium(flags);
        return start;
    }

    /** Closes the box opened at {@code start} by writing its final size. */
    void end(int start) {
        out.setInt(start, out.writerIndex() - start);
    }

    void fourCc(String code) {
        if (code.length() != 4) {
            throw new IllegalArgumentException("not a four-character code: " + code);
        }
        out.writeCharSequence(code, StandardCharsets.US_ASCII);
    }

    void u8(int value) {
        out.writeByte(value);
    }

    void u16(int value) {
        out.writeShort(value);
    }

    void u24(int value) {
        out.writeMedium(value);
    }

    void u32(long value) {
        out.writeInt((int) value);
    }

    void u64(long value) {
        out.writeLong(value);
    }

    void zeros(int count) {
        out.writeZero(count);
    }

    void bytes(byte[] data) {
        out.writeBytes(data);
    }

    void unityMatrix() {
        for (int value : UNITY_MATRIX) {
            out.writeInt(value);
        }
    }

    int position() {
        return out.writerIndex();
    }
}
