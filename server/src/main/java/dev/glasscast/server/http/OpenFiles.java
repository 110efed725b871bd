package dev.glasscast.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.glasscast.media.LeaseCount;
import dev.glasscast.packager.FileSpan;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Files the HTTP layer sends with {@code sendfile}, kept open while they are in demand: opening
 * and closing a file for every request cost more CPU than the rest of answering it. The files
 * are recorded segments, which never change once written.
 *
 * <p>Ownership: an open file is shared by the cache here and every {@link FileRegion} being
 * written from it, each holding one lease; the last lease returned closes it, so eviction never
 * closes a file under a transfer in progress. A region returns its lease when Netty releases it
 * (written, or dropped with a closed connection).
 */
final class OpenFiles implements AutoCloseable {

    /** Files kept open at most; each holds one descriptor. */
    static final int MAX_OPEN = 256;
    /** A file nobody asked for in this long is closed. */
    static final Duration IDLE = Duration.ofSeconds(30);

    private final Cache<Path, SharedFile> open = Caffeine.newBuilder()
            .maximumSize(MAX_OPEN)
            .expireAfterAccess(IDLE)
            .executor(Runnable::run)
            .removalListener((Path path, SharedFile file, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                if (file != null) {
                    file.returnLease();
                }
            })
            .build();

    /**
     * A region of {@code span} to write to a channel; the caller owns it (writing it hands it to
     * Netty, which releases it).
     *
     * @throws IOException if the file cannot be opened (gone, or moved aside)
     */
    FileRegion region(FileSpan span) throws IOException {
        while (true) {
            SharedFile file;
            try {
                file = open.get(span.file(), SharedFile::open);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (file.tryLease()) {
                return new SharedFileRegion(file, span.offset(), span.length());
            }
            // Evicted between the lookup and the lease: its last lease closed it. Open it again.
            open.asMap().remove(span.file(), file);
        }
    }

    /** Files open now, for tests. */
    long openFiles() {
        open.cleanUp();
        return open.estimatedSize();
    }

    @Override
    public void close() {
        open.invalidateAll();
        open.cleanUp();
    }

    /** An open file and its leases: 1 for the cache, plus one per region being written. */
    private static final class SharedFile {
        private final FileChannel channel;
        private final LeaseCount leases;

        private SharedFile(Path path, FileChannel channel) {
            this.channel = channel;
            this.leases = new LeaseCount(path.toString(), this::closeChannel);
        }

        static SharedFile open(Path path) {
            try {
                return new SharedFile(path, FileChannel.open(path, StandardOpenOption.READ));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean tryLease() {
            return leases.tryAcquire();
        }

        void returnLease() {
            leases.release();
        }

        private void closeChannel() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Read-only: nothing was left to write.
            }
        }
    }

    /**
     * {@code count} bytes at {@code position} of a shared file. Unlike Netty's
     * {@code DefaultFileRegion} it does not close the file when released, only returns its lease.
     * Transfers use absolute positions, so regions of one file can be written concurrently.
     */
    private static final class SharedFileRegion extends AbstractReferenceCounted implements FileRegion {
        private final SharedFile file;
        private final long position;
        private final long count;
        private long transferred;

        SharedFileRegion(SharedFile file, long position, long count) {
            this.file = file;
            this.position = position;
            this.count = count;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public long transferred() {
            return transferred;
        }

        @Override
        @Deprecated
        public long transfered() {
            return transferred;
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public long transferTo(WritableByteChannel target, long position) throws IOException {
            long left = count - position;
            if (left < 0 || position < 0) {
                throw new IllegalArgumentException("position out of range: " + position + " (expected: 0 - " + count + ')');
            }
            if (left == 0) {
                return 0;
            }
            long written = file.channel.transferTo(this.position + position, left, target);
            if (written > 0) {
                transferred += written;
            } else if (written == 0 && file.channel.size() < this.position + count) {
                // The kernel sends nothing past the end of the file: without this the write would spin.
                throw new IOException("file shrank below the region being sent (" + file.channel.size() + " < "
                        + (this.position + count) + ")");
            }
            return written;
        }

        @Override
        protected void deallocate() {
            file.returnLease();
        }

        @Override
        public FileRegion retain() {
            super.retain();
            return this;
        }

        @Override
        public FileRegion retain(int increment) {
            super.retain(increment);
            return this;
        }

        @Override
        public FileRegion touch() {
            return this;
        }

        @Override
        public FileRegion touch(Object hint) {
            return this;
        }
    }
}
