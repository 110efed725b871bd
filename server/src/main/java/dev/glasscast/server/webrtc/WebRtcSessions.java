package dev.glasscast.server.webrtc;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every WebRTC session of the daemon, with the three ways to find one: by id (the WHEP
 * resource), by our ICE ufrag (STUN checks) and by the remote address ICE bound to it (DTLS,
 * SRTP). At most {@code maxSessions} exist at once. A session whose STUN consent (RFC 7675: the
 * browser repeats its Binding requests every few seconds) has not come for
 * {@code consentTimeout} is reaped by {@link #expire(long)}.
 *
 * <p>Thread-safe: lookups read concurrent maps without locking (the UDP event loop does one per
 * datagram); changes take this object's lock, so the indexes always agree.
 */
public final class WebRtcSessions implements AutoCloseable {

    /** RFC 7675 section 5.1: consent expires 30 seconds after the last successful check. */
    public static final Duration CONSENT_TIMEOUT = Duration.ofSeconds(30);

    private final int maxSessions;
    private final long consentTimeoutNanos;
    private final Map<String, WebRtcSession> byId = new ConcurrentHashMap<>();
    private final Map<String, WebRtcSession> byUfrag = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, WebRtcSession> byAddress = new ConcurrentHashMap<>();

    /**
     * @param maxSessions    the most sessions at once ({@code webrtc.max_sessions})
     * @param consentTimeout how long a session lives without a successful STUN check
     */
    public WebRtcSessions(int maxSessions, Duration consentTimeout) {
        if (maxSessions < 1 || consentTimeout.isNegative() || consentTimeout.isZero()) {
            throw new IllegalArgumentException("need at least one session and a positive consent timeout");
        }
        this.maxSessions = maxSessions;
        this.consentTimeoutNanos = consentTimeout.toNanos();
    }

    /**
     * Adds {@code session} unless {@code maxSessions} exist; false when full, and the session is
     * then closed.
     *
     * @throws IllegalArgumentException if its id or ufrag is already taken (the caller draws again)
     */
    public synchronized boolean add(WebRtcSession session) {
        if (byId.containsKey(session.id()) || byUfrag.containsKey(session.localUfrag())) {
            throw new IllegalArgumentException("id or ufrag already in use: " + session);
        }
        if (byId.size() >= maxSessions) {
            session.close();
            return false;
        }
        byId.put(session.id(), session);
        byUfrag.put(session.localUfrag(), session);
        return true;
    }

    /** Every session now, in no particular order. */
    public List<WebRtcSession> all() {
        return List.copyOf(byId.values());
    }

    public boolean full() {
        return byId.size() >= maxSessions;
    }

    public Optional<WebRtcSession> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<WebRtcSession> byUfrag(String ufrag) {
        return ufrag == null ? Optional.empty() : Optional.ofNullable(byUfrag.get(ufrag));
    }

    public Optional<WebRtcSession> byAddress(InetSocketAddress remote) {
        return Optional.ofNullable(byAddress.get(remote));
    }

    /**
     * Records a successful STUN check of {@code session} from {@code peer} at {@code nowNanos};
     * when it nominated the pair ({@code USE-CANDIDATE}), binds {@code peer} to the session,
     * taking it from any session it was bound to before (the browser reused its port).
     */
    public synchronized void consent(WebRtcSession session, InetSocketAddress peer, boolean nominated, long nowNanos) {
        if (byId.get(session.id()) != session) {
            return;
        }
        session.consent(nowNanos);
        if (!nominated || peer.equals(session.remote())) {
            return;
        }
        if (session.remote() != null) {
            byAddress.remove(session.remote(), session);
        }
        WebRtcSession previous = byAddress.put(peer, session);
        if (previous != null && previous != session) {
            // The address belongs to the newer session now; the old one keeps checking, or expires.
            previous.unbind();
        }
        session.bind(peer);
    }

    /** Ends the session with {@code id} (WHEP DELETE); false if there is none. */
    public synchronized boolean remove(String id) {
        WebRtcSession session = byId.remove(id);
        if (session == null) {
            return false;
        }
        byUfrag.remove(session.localUfrag(), session);
        if (session.remote() != null) {
            byAddress.remove(session.remote(), session);
        }
        session.close();
        return true;
    }

    /** Ends every session without consent for the timeout at {@code nowNanos}; returns them. */
    public List<WebRtcSession> expire(long nowNanos) {
        List<WebRtcSession> expired = new ArrayList<>();
        for (WebRtcSession session : byId.values()) {
            if (nowNanos - session.lastConsentNanos() >= consentTimeoutNanos && remove(session.id())) {
                expired.add(session);
            }
        }
        return expired;
    }

    public int size() {
        return byId.size();
    }

    public int maxSessions() {
        return maxSessions;
    }

    @Override
    public synchronized void close() {
        for (String id : List.copyOf(byId.keySet())) {
            remove(id);
        }
    }
}
