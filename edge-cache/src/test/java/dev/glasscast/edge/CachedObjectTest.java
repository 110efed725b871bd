package dev.glasscast.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.OriginResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CachedObjectTest {

    private final ByteBuf body = Unpooled.copiedBuffer("#EXTM3U\n", StandardCharsets.US_ASCII);
    private final CachedObject object = CachedObject.adopt(
            new OriginResponse(200, OriginResponse.M3U8, CacheKind.LIVE_MANIFEST, null, body),
            "main/720p/index.m3u8", "main", 1_000, 250, 100, EdgeCache.ENTRY_OVERHEAD_BYTES);

    @Test
    void metadataIsComputedOnceAtAdoption() {
        ObjectMetadata metadata = object.metadata();
        assertEquals(8, metadata.length());
        assertEquals(EntityTags.strongTagOf(body), metadata.etag());
        assertEquals(8 + EdgeCache.ENTRY_OVERHEAD_BYTES + 2 * "main/720p/index.m3u8".length(), object.weight());
        assertEquals(350, object.retentionNanos());
        object.releaseLease();
        assertEquals(0, body.refCnt());
    }

    @Test
    void freshnessEndsAfterTheFreshTime() {
        assertFalse(object.isStaleAt(1_249));
        assertTrue(object.isStaleAt(1_250));
        object.releaseLease();
    }

    @Test
    void theLastLeaseReleasesTheBodyAndNoLeaseCanBeTakenAfterIt() {
        assertTrue(object.tryAcquireLease());
        EdgeResponse view = object.handOut(CacheOutcome.HIT);
        object.releaseLease();
        assertEquals(2, body.refCnt(), "the object's reference and the view's");
        object.releaseLease();
        assertEquals(1, body.refCnt(), "the view keeps the bytes alive");
        assertFalse(object.tryAcquireLease(), "a retired object is never resurrected");
        view.release();
        assertEquals(0, body.refCnt());
    }

    @Test
    void returningALeaseTwiceIsABug() {
        object.releaseLease();
        assertThrows(IllegalStateException.class, object::releaseLease);
    }
}
