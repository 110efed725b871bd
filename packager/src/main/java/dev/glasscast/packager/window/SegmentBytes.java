package dev.glasscast.packager.window;

import dev.glasscast.media.LeaseCount;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Bytes the store keeps (an init segment or one part), safe to read from any thread while the
 * store may evict them at any moment.
 *
 * <p>Why not hand out the pooled buffer directly: a released pooled {@link ByteBuf} object is
 * recycled for another allocation, so a reader that calls {@code retain()} on a buffer the store
 * has just evicted could pin someone else's bytes. This holder keeps its own count of users (a
 * {@link LeaseCount}); a reader briefly becomes one, takes a retained slice (a Netty reference of
 * its own), and leaves.
 * Once the store has let go and no reader is inside, the buffer is released exactly once.
 *
 * <p>Buffer ownership: the holder owns one reference to {@code buffer} from construction until
 * {@link #release()}; slices handed out own their own reference.
 *
 * <p>Bytes may also live in a recording file on disk ({@link #onDisk}): the DVR window beyond the
 * memory window, and recordings. Those are read on every {@link #retainedSlice()}, which then
 * blocks on the disk: callers on a Netty event loop check {@link #inMemory()} first and read
 * elsewhere (see {@code DiskReads}).
 */
public final class SegmentBytes {

    /** Where bytes read from disk go when the caller names no allocator: a plain heap array. */
    private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    private final ByteBuf buffer;
    private final Path file;
    private final long offset;
    private final int size;
    /** 1 for the store plus one per reader currently taking a slice; null for bytes on disk. */
    private final LeaseCount users;

    /** @param buffer the bytes from its reader index to its writer index; ownership passes to this holder */
    public SegmentBytes(ByteBuf buffer) {
        this.buffer = buffer;
        this.file = null;
        this.offset = 0;
        this.size = buffer.readableBytes();
        this.users = new LeaseCount("segment bytes", buffer::release);
    }

    private SegmentBytes(Path file, long offset, int size) {
        this.buffer = null;
        this.file = file;
        this.offset = offset;
        this.size = size;
        this.users = null;
    }

    /** {@code size} bytes at {@code offset} of {@code file}, which nobody changes any more. */
    public static SegmentBytes onDisk(Path file, long offset, int size) {
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException("bad file range " + offset + "+" + size + " of " + file);
        }
        return new SegmentBytes(file, offset, size);
    }

    /** False when the bytes are in a file: {@link #retainedSlice()} then reads the disk. */
    public boolean inMemory() {
        return file == null;
    }

    /** The file holding the bytes, or null when they are in memory. */
    public Path file() {
        return file;
    }

    /** Where the bytes start in {@link #file()}; 0 when they are in memory. */
    public long offset() {
        return offset;
    }

    public int size() {
        return size;
    }

    /**
     * A read-only view of the bytes with a reference of its own, or {@code null} if the store has
     * already let go of them. The caller owns the returned slice and must release it. Bytes on
     * disk are read into a heap buffer: for readers that parse them.
     */
    public ByteBuf retainedSlice() {
        return retainedSlice(HEAP);
    }

    /**
     * Same as {@link #retainedSlice()}, but bytes on disk are read into a buffer from
     * {@code allocator}. Bytes bound for a socket should go into a direct buffer: Netty copies a
     * heap buffer into a direct one on every write, which for a cached 1 MB segment was half the
     * CPU a request took.
     */
    public ByteBuf retainedSlice(ByteBufAllocator allocator) {
        if (file != null) {
            return readFile(allocator);
        }
        if (!users.tryAcquire()) {
            return null;
        }
        try {
            return buffer.retainedSlice().asReadOnly();
        } finally {
            users.release();
        }
    }

    /** A copy of the file's bytes, or null if the file is gone or shorter than recorded. */
    private ByteBuf readFile(ByteBufAllocator allocator) {
        ByteBuf data = allocator.buffer(size, size);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (data.isWritable()) {
                if (data.writeBytes(channel, offset + data.writerIndex(), data.writableBytes()) < 0) {
                    data.release();
                    return null;
                }
            }
        } catch (IOException e) {
            data.release();
            return null;
        }
        return data.asReadOnly();
    }

    /** True until {@link #release()} has been called and no reader is inside (always, on disk). */
    public boolean isLive() {
        return file != null || users.isHeld();
    }

    /** Lets go of the store's reference; call exactly once. Nothing to do for bytes on disk. */
    void release() {
        if (file == null) {
            users.release();
        }
    }
}
