package dev.glasscast.ingest.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Answers the ICE connectivity checks of one session as an ICE-lite agent (RFC 8445 sections
 * 2.5 and 7.3): a lite agent only ever answers Binding requests, never sends its own, and is
 * always the controlled agent. The session's credentials are the {@code a=ice-ufrag} and
 * {@code a=ice-pwd} of our SDP answer (and the remote ufrag of the offer).
 *
 * <p>What a request gets, in the order RFC 8489 sections 6.3 and 9.1.3 check it:
 * <ol>
 *   <li>Not a request (an indication is a keepalive), or no valid FINGERPRINT (RFC 8445
 *       section 7.3 makes it mandatory, and without it the datagram may not be STUN at all):
 *       no answer.</li>
 *   <li>No USERNAME or no MESSAGE-INTEGRITY: 400 Bad Request.</li>
 *   <li>A USERNAME that is not "our ufrag:their ufrag", or a MESSAGE-INTEGRITY that our password
 *       did not make: 401 Unauthorized. These two carry no MESSAGE-INTEGRITY, as the sender's
 *       key is in doubt.</li>
 *   <li>An unknown comprehension-required attribute: 420 with UNKNOWN-ATTRIBUTES.</li>
 *   <li>ICE-CONTROLLED: 487 Role Conflict. Section 7.3.1.1 would let a controlled agent with
 *       the smaller tie-breaker switch roles, but a lite agent cannot control (section 6.1.1),
 *       so the peer is the one that must switch.</li>
 *   <li>Otherwise a success response with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and
 *       FINGERPRINT; USE-CANDIDATE is reported as the nomination of this pair. A check without
 *       PRIORITY or without a role passes too (priority 0, controlling): RFC 8445 7.2.2 asks
 *       for both, but FFmpeg's WHIP muxer sends neither (only USERNAME, USE-CANDIDATE and the
 *       two checksums), and a lite agent has no use for them beyond the role conflict.</li>
 * </ol>
 * Every response carries FINGERPRINT; those to a request with a good MESSAGE-INTEGRITY carry
 * MESSAGE-INTEGRITY too.
 *
 * <p>Immutable and thread-safe. Buffer ownership: the request buffer is only read (not
 * released); the response buffer in an outcome belongs to the caller, who sends or releases it.
 */
public final class StunBindingResponder {

    private final String localUfrag;
    private final String remoteUfrag;
    private final byte[] key;
    private final StunMessageDecoder decoder;
    private final StunMessageEncoder encoder;

    /** What to do with a datagram. */
    public sealed interface Outcome permits Success, Failure, Ignored {
    }

    /**
     * Send {@code response} to {@code peer}: the check passed.
     *
     * @param nominated  the request carried USE-CANDIDATE: the controlling agent picked this pair
     * @param priority   the request's PRIORITY, 0 without one
     * @param tieBreaker the request's ICE-CONTROLLING tie-breaker, 0 without one
     */
    public record Success(ByteBuf response, InetSocketAddress peer, boolean nominated, long priority, long tieBreaker)
            implements Outcome {
    }

    /** Send {@code response}, an error response with {@code errorCode}, to the sender. */
    public record Failure(ByteBuf response, int errorCode, String why) implements Outcome {
    }

    /** Send nothing. */
    public record Ignored(String why) implements Outcome {
    }

    /**
     * @param localUfrag    our {@code a=ice-ufrag}
     * @param localPassword our {@code a=ice-pwd}, the short-term key of every check
     * @param remoteUfrag   the offer's {@code a=ice-ufrag}; null to accept any remote part
     *                      (when the peer's credentials came by a path that lost them)
     * @param decoder       limits for requests
     * @param encoder       the response codec
     */
    public StunBindingResponder(String localUfrag, String localPassword, String remoteUfrag, StunMessageDecoder decoder,
                                StunMessageEncoder encoder) {
        if (localUfrag.isEmpty() || localUfrag.indexOf(':') >= 0 || localPassword.isEmpty()) {
            throw new IllegalArgumentException("ICE credentials need a ufrag without ':' and a password");
        }
        this.localUfrag = localUfrag;
        this.remoteUfrag = remoteUfrag;
        this.key = StunMessageIntegrity.shortTermKey(localPassword);
        this.decoder = Objects.requireNonNull(decoder);
        this.encoder = Objects.requireNonNull(encoder);
    }

    /**
     * The local ufrag a request is addressed to (the USERNAME before its first ':'), or null: how
     * a port shared by many sessions picks the responder for a request.
     */
    public static String localUfragOf(StunMessage request) {
        return request.attribute(StunAttribute.Username.class)
                .map(u -> u.value().indexOf(':') > 0 ? u.value().substring(0, u.value().indexOf(':')) : null)
                .orElse(null);
    }

    /** Decodes {@code datagram} and answers it, see {@link #respond(ByteBufAllocator, ByteBuf, StunMessage, InetSocketAddress)}. */
    public Outcome respond(ByteBufAllocator alloc, ByteBuf datagram, InetSocketAddress sender) {
        StunMessage request;
        try {
            request = decoder.decode(datagram);
        } catch (StunParseException e) {
            return new Ignored("not STUN: " + e.getMessage());
        }
        return respond(alloc, datagram, request, sender);
    }

    /**
     * Answers {@code request}, decoded from the readable bytes of {@code wire}, which came from
     * {@code sender}.
     */
    public Outcome respond(ByteBufAllocator alloc, ByteBuf wire, StunMessage request, InetSocketAddress sender) {
        if (request.method() != StunMethod.BINDING || request.messageClass() != StunMessageClass.REQUEST) {
            return new Ignored(request.method() + " " + request.messageClass() + " needs no answer");
        }
        if (!StunMessageIntegrity.verifyFingerprint(wire)) {
            return new Ignored("no valid FINGERPRINT");
        }
        var username = request.attribute(StunAttribute.Username.class);
        if (username.isEmpty() || !request.has(StunAttribute.MessageIntegrity.class)) {
            return failure(alloc, request, 400, "Bad Request", null, "no USERNAME or MESSAGE-INTEGRITY", false);
        }
        String expected = localUfrag + ":";
        String name = username.get().value();
        if (!name.startsWith(expected) || name.length() == expected.length()
                || (remoteUfrag != null && !name.substring(expected.length()).equals(remoteUfrag))) {
            return failure(alloc, request, 401, "Unauthorized", null, "USERNAME is not " + expected + "<remote ufrag>",
                    false);
        }
        if (!StunMessageIntegrity.verifyIntegrity(wire, key)) {
            return failure(alloc, request, 401, "Unauthorized", null, "MESSAGE-INTEGRITY does not match our password",
                    false);
        }
        int[] unknown = request.unknownComprehensionRequired();
        if (unknown.length > 0) {
            return failure(alloc, request, 420, "Unknown Attribute", new StunAttribute.UnknownAttributes(unknown),
                    "unknown comprehension-required attributes", true);
        }
        var priority = request.attribute(StunAttribute.Priority.class);
        var controlling = request.attribute(StunAttribute.IceControlling.class);
        boolean controlled = request.has(StunAttribute.IceControlled.class);
        if (controlled) {
            return failure(alloc, request, 487, "Role Conflict", null, "the peer is controlled too, and a lite agent cannot control",
                    true);
        }
        StunMessage response = new StunMessage(StunMessageClass.SUCCESS_RESPONSE, StunMethod.BINDING,
                request.transactionId(), List.of(new StunAttribute.XorMappedAddress(sender)));
        return new Success(encoder.encode(alloc, response, key, true), sender,
                request.has(StunAttribute.UseCandidate.class), priority.map(StunAttribute.Priority::priority).orElse(0L),
                controlling.map(StunAttribute.IceControlling::tieBreaker).orElse(0L));
    }

    /** An error response, signed with our key only when the request proved it knows it ({@code authenticated}). */
    private Failure failure(ByteBufAllocator alloc, StunMessage request, int code, String reason,
                            StunAttribute extra, String why, boolean authenticated) {
        List<StunAttribute> attributes = new ArrayList<>();
        attributes.add(new StunAttribute.ErrorCode(code, reason));
        if (extra != null) {
            attributes.add(extra);
        }
        byte[] signWith = authenticated ? key : null;
        StunMessage response = new StunMessage(StunMessageClass.ERROR_RESPONSE, StunMethod.BINDING,
                request.transactionId(), attributes);
        return new Failure(encoder.encode(alloc, response, signWith, true), code, why);
    }

    @Override
    public String toString() {
        return "StunBindingResponder[ufrag=" + localUfrag + ", remote=" + remoteUfrag + "]";
    }
}
