package dev.glasscast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class SrtStreamIdTest {

    private final PublishAuthorizer authorizer = new PublishAuthorizer(List.of(
            new StreamConfig("live", "k-live-1"), new StreamConfig("other", "k-other-2")));

    private SrtStreamId.Decision decide(String text) {
        SrtStreamId id = SrtStreamId.parse(text);
        return id == null ? SrtStreamId.Decision.reject(SrtRejectReason.BAD_REQUEST) : id.authorize(authorizer);
    }

    @Test
    void acceptsEveryDocumentedForm() {
        assertEquals("live", decide("k-live-1").stream());
        assertEquals("live", decide("live/k-live-1").stream());
        assertEquals("other", decide("/live/k-other-2").stream());
        assertEquals("live", decide("#!::r=live/live,m=publish,k=k-live-1").stream());
        assertEquals("live", decide("#!::r=live,k=k-live-1,u=alice").stream());
        assertEquals("other", decide("#!::r=k-other-2").stream());
        assertEquals("live", decide("#!::k=k-live-1,m=publish").stream());
        assertEquals("live", decide("publish:live/live:alice:k-live-1").stream());
        assertEquals("other", decide("publish:k-other-2").stream());
        assertEquals("live", decide("live/live?key=k-live-1").stream());
        assertEquals("live", decide("live?secret=k-live-1").stream());
    }

    @Test
    void refusesWithTheRightReason() {
        assertEquals(SrtRejectReason.UNAUTHORIZED, decide("live").rejection(), "a name is not a key");
        assertEquals(SrtRejectReason.UNAUTHORIZED, decide("live/live").rejection());
        assertEquals(SrtRejectReason.UNAUTHORIZED, decide("#!::r=live,k=k-other-2").rejection(), "another stream's key");
        assertEquals(SrtRejectReason.UNAUTHORIZED, decide("nope").rejection());
        assertEquals(SrtRejectReason.BAD_MODE, decide("#!::r=live,m=request,k=k-live-1").rejection());
        assertEquals(SrtRejectReason.BAD_MODE, decide("read:live/live:u:k-live-1").rejection());
        assertEquals(SrtRejectReason.BAD_REQUEST, decide("#!::m=publish").rejection());
        assertEquals(SrtRejectReason.UNAUTHORIZED, decide("#!::r=../etc,k=k-live-1").rejection());
        assertNull(SrtStreamId.parse(""));
        assertNull(SrtStreamId.parse("#!::garbage"));
        assertNull(SrtStreamId.parse("a\u0000b"));
        assertNull(SrtStreamId.parse("x".repeat(513)));
    }

    @Test
    void readersNameAStreamAndOptionallyARenditionAndAToken() {
        assertEquals(new SrtReadRequest("main", null, null), SrtStreamId.parse("#!::r=live/main,m=request").readRequest());
        assertEquals(new SrtReadRequest("main", "480p", null),
                SrtStreamId.parse("#!::r=live/main/480p,m=request").readRequest());
        assertEquals(new SrtReadRequest("main", null, "123.sig"),
                SrtStreamId.parse("#!::r=main,m=request,k=123.sig").readRequest());
        assertEquals(new SrtReadRequest("main", "source", null), SrtStreamId.parse("read:live/main/source").readRequest());
        assertEquals(new SrtReadRequest("main", null, "123.sig"),
                SrtStreamId.parse("read:live/main:viewer:123.sig").readRequest());

        assertNull(SrtStreamId.parse("#!::r=live/main,m=publish,k=k-live-1").readRequest(), "a publisher is no reader");
        assertNull(SrtStreamId.parse("#!::r=../x,m=request").readRequest(), "names are checked");
        assertNull(SrtStreamId.parse("#!::r=main/a/b,m=request").readRequest());
        assertEquals(SrtStreamId.Mode.UNSUPPORTED, SrtStreamId.parse("#!::r=main,m=bidirectional").mode());
        assertEquals(SrtRejectReason.BAD_MODE, decide("#!::r=main,m=bidirectional,k=k-live-1").rejection());
    }
}
