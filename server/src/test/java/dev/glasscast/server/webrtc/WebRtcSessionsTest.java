package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.ingest.stun.StunBindingResponder;
import dev.glasscast.ingest.stun.StunDemultiplexer;
import dev.glasscast.ingest.stun.StunMessageDecoder;
import dev.glasscast.ingest.stun.StunMessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebRtcSessionsTest {

    private static final InetSocketAddress BROWSER = new InetSocketAddress("192.0.2.7", 50000);

    private static WebRtcSession session(String id, String ufrag, WebRtcTransport transport, long created) {
        return new WebRtcSession(id, "main", ufrag, new StunBindingResponder(ufrag, "password-password-0123", null,
                new StunMessageDecoder(), new StunMessageEncoder()), transport, created);
    }

    @Test
    void holdsAtMostMaxSessionsAndFindsThemByIdUfragAndBoundAddress() {
        WebRtcSessions sessions = new WebRtcSessions(2, Duration.ofSeconds(30));
        WebRtcSession a = session("a", "ufragA", new WebRtcTransportQueue(1), 0);
        WebRtcSession b = session("b", "ufragB", new WebRtcTransportQueue(1), 0);
        assertTrue(sessions.add(a));
        assertThrows(IllegalArgumentException.class, () -> sessions.add(session("c", "ufragA", new WebRtcTransportQueue(1), 0)));
        assertTrue(sessions.add(b));
        assertTrue(sessions.full());
        WebRtcSession c = session("c", "ufragC", new WebRtcTransportQueue(1), 0);
        assertFalse(sessions.add(c));
        assertEquals(WebRtcSession.State.CLOSED, c.state());
        assertEquals(a, sessions.byUfrag("ufragA").orElseThrow());
        assertEquals(b, sessions.byId("b").orElseThrow());

        sessions.consent(a, BROWSER, false, 5);
        assertTrue(sessions.byAddress(BROWSER).isEmpty(), "only a nomination binds");
        sessions.consent(a, BROWSER, true, 6);
        assertEquals(a, sessions.byAddress(BROWSER).orElseThrow());
        assertEquals(WebRtcSession.State.CONNECTED, a.state());
        // The browser reused its port for another session: the address moves.
        sessions.consent(b, BROWSER, true, 7);
        assertEquals(b, sessions.byAddress(BROWSER).orElseThrow());
        assertEquals(WebRtcSession.State.CHECKING, a.state());
        assertNull(a.remote());

        assertTrue(sessions.remove("b"));
        assertFalse(sessions.remove("b"));
        assertTrue(sessions.byAddress(BROWSER).isEmpty());
        assertTrue(sessions.byUfrag("ufragB").isEmpty());
        assertEquals(WebRtcSession.State.CLOSED, b.state());
    }

    @Test
    void expiryEndsSessionsWithoutConsentAndReleasesWhatTheirTransportsHeld() {
        WebRtcSessions sessions = new WebRtcSessions(10, Duration.ofSeconds(30));
        WebRtcTransportQueue queue = new WebRtcTransportQueue(1);
        WebRtcSession quiet = session("quiet", "ufragQ", queue, 0);
        WebRtcSession alive = session("alive", "ufragL", new WebRtcTransportQueue(1), 0);
        sessions.add(quiet);
        sessions.add(alive);
        ByteBuf kept = Unpooled.buffer().writeByte(22);
        ByteBuf overflow = Unpooled.buffer().writeByte(22);
        queue.datagram(StunDemultiplexer.PacketKind.DTLS, kept, BROWSER);
        queue.datagram(StunDemultiplexer.PacketKind.DTLS, overflow, BROWSER);
        assertEquals(1, queue.dropped());
        assertEquals(0, overflow.refCnt());
        long thirty = Duration.ofSeconds(30).toNanos();
        sessions.consent(alive, BROWSER, true, thirty - 1);
        assertEquals(List.of(), sessions.expire(thirty - 1));
        assertEquals(List.of(quiet), sessions.expire(thirty));
        assertEquals(0, kept.refCnt(), "closing the session released its queued datagram");
        assertEquals(1, sessions.size());
        sessions.close();
        assertEquals(0, sessions.size());
        assertEquals(WebRtcSession.State.CLOSED, alive.state());
    }
}
