package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.stun.StunBindingResponder;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One WebRTC peer connection: a WHEP viewer. It is made by a WHEP POST, found by its id (the
 * WHEP resource), by our ICE ufrag (each STUN check) and, once ICE nominated a pair, by the
 * remote address of that pair (DTLS and SRTP). {@link WebRtcSessions} keeps those indexes and
 * moves the state; this object only records it.
 *
 * <p>Thread-safe: the state, the bound address and the consent time are volatile, written under
 * the {@link WebRtcSessions} lock, read anywhere.
 */
public final class WebRtcSession {

    /** Where a session is in its life. */
    public enum State {
        /** Answered over HTTP; no STUN check has nominated a pair yet. */
        CHECKING,
        /** A pair is nominated: DTLS and SRTP from its remote address reach the transport. */
        CONNECTED,
        /** Ended by DELETE, by consent expiry or by shutdown; never leaves this state. */
        CLOSED
    }

    private final String id;
    private final String stream;
    private final String localUfrag;
    private final StunBindingResponder responder;
    private final WebRtcTransport transport;
    private volatile State state = State.CHECKING;
    private volatile InetSocketAddress remote;
    private volatile long lastConsentNanos;

    /**
     * @param id           the WHEP resource id, in the Location URL
     * @param stream       the stream viewed
     * @param localUfrag   our {@code a=ice-ufrag}, the key STUN requests are matched by
     * @param responder    answers this session's STUN checks with our password
     * @param transport    takes the DTLS and SRTP datagrams; closed with the session
     * @param createdNanos when the answer was made: counts as the first consent, so a session no
     *                     check ever reaches expires like one whose checks stopped
     */
    public WebRtcSession(String id, String stream, String localUfrag, StunBindingResponder responder,
                         WebRtcTransport transport, long createdNanos) {
        this.id = Objects.requireNonNull(id);
        this.stream = Objects.requireNonNull(stream);
        this.localUfrag = Objects.requireNonNull(localUfrag);
        this.responder = Objects.requireNonNull(responder);
        this.transport = Objects.requireNonNull(transport);
        this.lastConsentNanos = createdNanos;
    }

    public String id() {
        return id;
    }

    public String stream() {
        return stream;
    }

    public String localUfrag() {
        return localUfrag;
    }

    public StunBindingResponder responder() {
        return responder;
    }

    public WebRtcTransport transport() {
        return transport;
    }

    public State state() {
        return state;
    }

    /** The nominated pair's remote address, or null before nomination. */
    public InetSocketAddress remote() {
        return remote;
    }

    public long lastConsentNanos() {
        return lastConsentNanos;
    }

    void consent(long nowNanos) {
        lastConsentNanos = nowNanos;
    }

    void bind(InetSocketAddress address) {
        if (state != State.CLOSED) {
            remote = address;
            state = State.CONNECTED;
        }
    }

    /** Another session took the bound address: back to waiting for a nomination. */
    void unbind() {
        if (state != State.CLOSED) {
            remote = null;
            state = State.CHECKING;
        }
    }

    /** Ends the session and closes its transport; true the first time only. */
    boolean close() {
        if (state == State.CLOSED) {
            return false;
        }
        state = State.CLOSED;
        transport.close();
        return true;
    }

    @Override
    public String toString() {
        return "WebRtcSession[" + id + ", stream=" + stream + ", " + state + (remote == null ? "" : ", " + remote) + "]";
    }
}
