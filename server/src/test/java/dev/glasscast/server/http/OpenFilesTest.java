package dev.glasscast.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glasscast.packager.FileSpan;
import io.netty.channel.FileRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenFilesTest {

    @TempDir
    Path dir;

    @Test
    void aRegionSendsItsSpanOfTheFile() throws Exception {
        Path file = dir.resolve("seg1.m4s");
        byte[] content = pattern(200_000);
        Files.write(file, content);
        try (OpenFiles files = new OpenFiles()) {
            FileRegion region = files.region(new FileSpan(file, 1_000, 150_000));
            assertEquals(150_000, region.count());
            assertArrayEquals(Arrays.copyOfRange(content, 1_000, 151_000), drain(region));
            assertEquals(150_000, region.transferred());
            region.release();
            assertEquals(1, files.openFiles(), "kept open for the next request");

            FileRegion again = files.region(new FileSpan(file, 0, 10));
            assertArrayEquals(Arrays.copyOfRange(content, 0, 10), drain(again));
            again.release();
            assertEquals(1, files.openFiles(), "one descriptor per file, however many requests");
        }
    }

    @Test
    void closingWhileARegionIsBeingWrittenLeavesTheFileOpenUntilItIsDone() throws Exception {
        Path file = dir.resolve("seg2.m4s");
        byte[] content = pattern(50_000);
        Files.write(file, content);
        OpenFiles files = new OpenFiles();
        FileRegion region = files.region(new FileSpan(file, 0, content.length));
        files.close(); // eviction of every file, as at shutdown
        assertEquals(0, files.openFiles());
        assertArrayEquals(content, drain(region), "the region's lease kept the file open");
        region.release();
    }

    @Test
    void aMissingFileIsAnIoErrorTheCallerCanFallBackFrom() {
        try (OpenFiles files = new OpenFiles()) {
            assertThrows(IOException.class, () -> files.region(new FileSpan(dir.resolve("gone.m4s"), 0, 10)));
            assertEquals(0, files.openFiles());
        }
    }

    @Test
    void aFileShorterThanTheRegionFailsInsteadOfSpinning() throws Exception {
        Path file = dir.resolve("short.m4s");
        Files.write(file, pattern(100));
        try (OpenFiles files = new OpenFiles()) {
            FileRegion region = files.region(new FileSpan(file, 0, 1_000));
            try {
                assertThrows(IOException.class, () -> drain(region));
            } finally {
                region.release();
            }
        }
    }

    private static byte[] drain(FileRegion region) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel target = Channels.newChannel(out);
        for (int spins = 0; region.transferred() < region.count(); spins++) {
            region.transferTo(target, region.transferred());
            if (spins > 1_000) {
                throw new AssertionError("no progress");
            }
        }
        return out.toByteArray();
    }

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 7 + i / 253);
        }
        return bytes;
    }
}
