package dev.glasscast.edge;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Strong entity tags derived from an object's bytes.
 *
 * <p>The tag is CRC32C and CRC32 of the body side by side: 64 bits, 16 hex digits, in quotes.
 * Both checksums are JVM intrinsics (several GB/s), so hashing a 2 MB segment once at insertion
 * costs a fraction of a millisecond. A tag from the key and Last-Modified would be cheaper but
 * is wrong for live manifests, whose bytes change several times within the one-second resolution
 * of Last-Modified; a 32-bit checksum alone would make a false 304 about once per four billion
 * manifest changes, which a busy daemon reaches in months. The two polynomials are independent,
 * so a false match needs a 64-bit coincidence.
 */
public final class EntityTags {

    private static final HexFormat HEX = HexFormat.of();
    private static final int COPY_CHUNK = 8192;

    private EntityTags() {
    }

    /**
     * The strong entity tag of {@code body}'s readable bytes. Reads without copying (through
     * {@link ByteBuf#nioBuffers}) and leaves the buffer's indices and reference count unchanged.
     */
    public static String strongTagOf(ByteBuf body) {
        CRC32C castagnoli = new CRC32C();
        CRC32 ieee = new CRC32();
        int start = body.readerIndex();
        int length = body.readableBytes();
        if (body.nioBufferCount() >= 0) {
            for (ByteBuffer chunk : body.nioBuffers(start, length)) {
                castagnoli.update(chunk.duplicate());
                ieee.update(chunk);
            }
        } else {
            updateByCopying(body, start, length, castagnoli, ieee);
        }
        return '"' + HEX.toHexDigits((int) castagnoli.getValue()) + HEX.toHexDigits((int) ieee.getValue()) + '"';
    }

    private static void updateByCopying(ByteBuf body, int start, int length, Checksum first, Checksum second) {
        byte[] chunk = new byte[Math.min(COPY_CHUNK, Math.max(length, 1))];
        for (int offset = 0; offset < length; offset += chunk.length) {
            int n = Math.min(chunk.length, length - offset);
            body.getBytes(start + offset, chunk, 0, n);
            first.update(chunk, 0, n);
            second.update(chunk, 0, n);
        }
    }
}
