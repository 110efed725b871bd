package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EntityTagsTest {

    @Test
    void theTagIsSixteenHexDigitsInQuotes() {
        ByteBuf body = Unpooled.copiedBuffer("#EXTM3U\n", StandardCharsets.US_ASCII);
        try {
            assertTrue(EntityTags.strongTagOf(body).matches("\"[0-9a-f]{16}\""));
        } finally {
            body.release();
        }
    }

    @Test
    void equalBytesGiveEqualTagsWhateverTheBufferLayout() {
        byte[] bytes = "#EXTM3U\n#EXT-X-VERSION:9\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuf heap = Unpooled.wrappedBuffer(bytes);
        ByteBuf direct = Unpooled.directBuffer().writeBytes(bytes);
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(bytes, 0, 5))
                .addComponent(true, Unpooled.wrappedBuffer(bytes, 5, bytes.length - 5));
        try {
            String tag = EntityTags.strongTagOf(heap);
            assertEquals(tag, EntityTags.strongTagOf(direct));
            assertEquals(tag, EntityTags.strongTagOf(composite));
            assertEquals(0, heap.readerIndex(), "reading for the tag leaves the indices alone");
            assertEquals(1, heap.refCnt());
        } finally {
            heap.release();
            direct.release();
            composite.release();
        }
    }

    @Test
    void onlyTheReadableBytesCount() {
        ByteBuf whole = Unpooled.copiedBuffer("xxPAYLOAD", StandardCharsets.US_ASCII);
        ByteBuf payload = Unpooled.copiedBuffer("PAYLOAD", StandardCharsets.US_ASCII);
        try {
            whole.skipBytes(2);
            assertEquals(EntityTags.strongTagOf(payload), EntityTags.strongTagOf(whole));
        } finally {
            whole.release();
            payload.release();
        }
    }

    @Test
    void oneChangedByteChangesTheTag() {
        ByteBuf before = Unpooled.copiedBuffer("#EXT-X-PART:DURATION=0.5,URI=\"p1.m4s\"", StandardCharsets.US_ASCII);
        ByteBuf after = Unpooled.copiedBuffer("#EXT-X-PART:DURATION=0.5,URI=\"p2.m4s\"", StandardCharsets.US_ASCII);
        try {
            assertNotEquals(EntityTags.strongTagOf(before), EntityTags.strongTagOf(after));
        } finally {
            before.release();
            after.release();
        }
    }
}
