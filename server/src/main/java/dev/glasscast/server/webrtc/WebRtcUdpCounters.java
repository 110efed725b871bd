package dev.glasscast.server.webrtc;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the WebRTC UDP port did with the datagrams it received, for tests, logs and (later) the
 * metrics. Thread-safe; counts only ever grow.
 */
public final class WebRtcUdpCounters {

    final LongAdder stunAnswered = new LongAdder();
    final LongAdder stunRefused = new LongAdder();
    final LongAdder stunIgnored = new LongAdder();
    final LongAdder unknownUfrag = new LongAdder();
    final LongAdder unknownAddress = new LongAdder();
    final LongAdder toTransport = new LongAdder();
    final LongAdder sessionsExpired = new LongAdder();

    /** Binding requests answered with a success response. */
    public long stunAnswered() {
        return stunAnswered.sum();
    }

    /** Binding requests answered with an error response (400, 401, 420, 487). */
    public long stunRefused() {
        return stunRefused.sum();
    }

    /** STUN datagrams not answered: not a request, no FINGERPRINT, not decodable. */
    public long stunIgnored() {
        return stunIgnored.sum();
    }

    /** STUN requests whose USERNAME names no session: dropped without an answer. */
    public long unknownUfrag() {
        return unknownUfrag.sum();
    }

    /** Non-STUN datagrams from an address no session is bound to, or of no WebRTC kind: dropped. */
    public long unknownAddress() {
        return unknownAddress.sum();
    }

    /** DTLS and RTP/RTCP datagrams handed to a session's transport. */
    public long toTransport() {
        return toTransport.sum();
    }

    /** Sessions reaped for lack of STUN consent. */
    public long sessionsExpired() {
        return sessionsExpired.sum();
    }
}
