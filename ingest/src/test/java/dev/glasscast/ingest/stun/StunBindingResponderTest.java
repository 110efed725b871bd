package dev.glasscast.ingest.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StunBindingResponderTest {

    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private static final String LOCAL_UFRAG = "gC4s";
    private static final String LOCAL_PASSWORD = "tQ3mD8bZp1Vw6kLx9sRn2yHf";
    private static final String REMOTE_UFRAG = "Jpbd";
    private static final byte[] TX = StunVectors.hex("4f6b2a1c99e0d3b7a5c40112");
    private static final InetSocketAddress VIEWER = new InetSocketAddress("192.168.1.102", 60017);

    private final StunMessageDecoder decoder = new StunMessageDecoder();
    /** Every request this test encoded: the responder only reads them, so the test releases them. */
    private final List<ByteBuf> encoded = new ArrayList<>();
    private final StunBindingResponder responder = new StunBindingResponder(LOCAL_UFRAG, LOCAL_PASSWORD, REMOTE_UFRAG,
            decoder, new StunMessageEncoder());

    /** A check as Chromium sends one to a lite server: GOOG-NETWORK-INFO, ICE-CONTROLLING, USE-CANDIDATE. */
    private static List<StunAttribute> chromiumCheck(String username, boolean nominate) {
        List<StunAttribute> attributes = new ArrayList<>(List.of(
                new StunAttribute.Username(username),
                new StunAttribute.Raw(0xC057, new byte[] {0, 1, 0, 10}),
                new StunAttribute.IceControlling(0x1122334455667788L)));
        if (nominate) {
            attributes.add(new StunAttribute.UseCandidate());
        }
        attributes.add(new StunAttribute.Priority(1853824767L));
        return attributes;
    }

    @AfterEach
    void releaseEncoded() {
        encoded.forEach(ByteBuf::release);
    }

    private ByteBuf request(List<StunAttribute> attributes, String password, boolean fingerprint) {
        StunMessage message = new StunMessage(StunMessageClass.REQUEST, StunMethod.BINDING, TX, attributes);
        return tracked(new StunMessageEncoder().encode(ALLOC, message,
                password == null ? null : StunMessageIntegrity.shortTermKey(password), fingerprint));
    }

    private ByteBuf tracked(ByteBuf buf) {
        encoded.add(buf);
        return buf;
    }

    @Test
    void aValidCheckIsAnsweredWithTheSendersAddressSignedAndFingerprinted() throws Exception {
        ByteBuf wire = request(chromiumCheck(LOCAL_UFRAG + ":" + REMOTE_UFRAG, true), LOCAL_PASSWORD, true);
        StunBindingResponder.Outcome outcome = responder.respond(ALLOC, wire, VIEWER);
        StunBindingResponder.Success success = assertInstanceOf(StunBindingResponder.Success.class, outcome);
        assertTrue(success.nominated());
        assertEquals(1853824767L, success.priority());
        assertEquals(0x1122334455667788L, success.tieBreaker());
        assertEquals(VIEWER, success.peer());

        ByteBuf response = success.response();
        try {
            assertTrue(StunMessageIntegrity.verifyIntegrity(response, StunMessageIntegrity.shortTermKey(LOCAL_PASSWORD)));
            assertTrue(StunMessageIntegrity.verifyFingerprint(response));
            StunMessage answer = decoder.decode(response);
            assertEquals(StunMessageClass.SUCCESS_RESPONSE, answer.messageClass());
            assertArrayEquals(TX, answer.transactionId());
            assertEquals(3, answer.attributes().size());
            assertEquals(VIEWER, ((StunAttribute.XorMappedAddress) answer.attributes().get(0)).address());
            assertInstanceOf(StunAttribute.MessageIntegrity.class, answer.attributes().get(1));
            assertInstanceOf(StunAttribute.Fingerprint.class, answer.attributes().get(2));
        } finally {
            response.release();
        }
    }

    @Test
    void anUnnominatedIPv6CheckIsAnsweredWithoutNomination() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 50123);
        ByteBuf wire = request(chromiumCheck(LOCAL_UFRAG + ":" + REMOTE_UFRAG, false), LOCAL_PASSWORD, true);
        var success = assertInstanceOf(StunBindingResponder.Success.class, responder.respond(ALLOC, wire, v6));
        assertFalse(success.nominated());
        assertEquals(v6, decoder.decode(success.response()).attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address());
        success.response().release();
    }

    @Test
    void aWrongUsernameGets401WithoutIntegrity() throws Exception {
        for (String username : List.of("other:" + REMOTE_UFRAG, LOCAL_UFRAG + ":someoneElse", LOCAL_UFRAG + ":",
                LOCAL_UFRAG, REMOTE_UFRAG + ":" + LOCAL_UFRAG)) {
            ByteBuf wire = request(chromiumCheck(username, true), LOCAL_PASSWORD, true);
            assertError(responder.respond(ALLOC, wire, VIEWER), 401, false);
        }
    }

    @Test
    void aFlippedByteOrWrongPasswordGets401() throws Exception {
        ByteBuf wire = request(chromiumCheck(LOCAL_UFRAG + ":" + REMOTE_UFRAG, true), "a-different-password-1234", true);
        assertError(responder.respond(ALLOC, wire, VIEWER), 401, false);

        // A byte of PRIORITY flipped, FINGERPRINT recomputed so that only the HMAC can catch it.
        ByteBuf tampered = request(chromiumCheck(LOCAL_UFRAG + ":" + REMOTE_UFRAG, true), LOCAL_PASSWORD, true);
        int priority = StunMessageIntegrity.attributeOffset(tampered, StunAttribute.TYPE_PRIORITY);
        tampered.setByte(priority + 7, tampered.getByte(priority + 7) ^ 1);
        int fingerprint = tampered.readableBytes() - 8;
        tampered.setInt(fingerprint + 4, StunMessageIntegrity.fingerprint(tampered, fingerprint));
        assertTrue(StunMessageIntegrity.verifyFingerprint(tampered));
        assertError(responder.respond(ALLOC, tampered, VIEWER), 401, false);
    }

    @Test
    void missingCredentialsGet400() throws Exception {
        assertError(responder.respond(ALLOC, request(List.of(new StunAttribute.Priority(1)), LOCAL_PASSWORD, true), VIEWER),
                400, false);
        List<StunAttribute> noIntegrity = chromiumCheck(LOCAL_UFRAG + ":" + REMOTE_UFRAG, true);
        assertError(responder.respond(ALLOC, request(noIntegrity, null, true), VIEWER), 400, false);
    }

    /** FFmpeg's WHIP muxer checks with USERNAME, USE-CANDIDATE and the checksums only. */
    @Test
    void aCheckWithoutPriorityOrRoleIsAnsweredAsFfmpegsWhipMuxerNeeds() throws Exception {
        List<StunAttribute> ffmpeg = List.of(new StunAttribute.Username(LOCAL_UFRAG + ":" + REMOTE_UFRAG),
                new StunAttribute.UseCandidate());
        var success = assertInstanceOf(StunBindingResponder.Success.class,
                responder.respond(ALLOC, request(ffmpeg, LOCAL_PASSWORD, true), VIEWER));
        assertTrue(success.nominated());
        assertEquals(0, success.priority());
        success.response().release();
    }

    @Test
    void anUnknownComprehensionRequiredAttributeGets420ListingIt() throws Exception {
        List<StunAttribute> attributes = chromiumCheck(LOCAL_UFRAG + ":" + REMOTE_UFRAG, true);
        attributes.add(new StunAttribute.Raw(0x0031, new byte[4]));
        StunMessage answer = assertError(responder.respond(ALLOC, request(attributes, LOCAL_PASSWORD, true), VIEWER), 420, true);
        assertArrayEquals(new int[] {0x0031}, answer.attribute(StunAttribute.UnknownAttributes.class).orElseThrow().types());
    }

    @Test
    void theRfc5769RequestFromAControlledPeerGets487RoleConflict() throws Exception {
        StunBindingResponder vectorSession = new StunBindingResponder("evtj", StunVectors.PASSWORD, "h6vY", decoder,
                new StunMessageEncoder());
        StunMessage answer = assertError(vectorSession.respond(ALLOC, Unpooled.wrappedBuffer(StunVectors.REQUEST), VIEWER),
                487, true);
        assertEquals("Role Conflict", answer.attribute(StunAttribute.ErrorCode.class).orElseThrow().reason());
        assertTrue(StunMessageIntegrity.verifyIntegrity(encodeBack(answer), StunMessageIntegrity.shortTermKey(StunVectors.PASSWORD)));
        StunBindingResponder anyRemote = new StunBindingResponder("evtj", StunVectors.PASSWORD, null, decoder, new StunMessageEncoder());
        assertError(anyRemote.respond(ALLOC, Unpooled.wrappedBuffer(StunVectors.REQUEST), VIEWER), 487, true);
    }

    @Test
    void noFingerprintIndicationsResponsesAndGarbageAreIgnored() {
        ByteBuf noFingerprint = request(chromiumCheck(LOCAL_UFRAG + ":" + REMOTE_UFRAG, true), LOCAL_PASSWORD, false);
        assertInstanceOf(StunBindingResponder.Ignored.class, responder.respond(ALLOC, noFingerprint, VIEWER));

        byte[] badFingerprint = StunVectors.REQUEST.clone();
        badFingerprint[badFingerprint.length - 1] ^= 1;
        assertInstanceOf(StunBindingResponder.Ignored.class, responder.respond(ALLOC, Unpooled.wrappedBuffer(badFingerprint), VIEWER));

        ByteBuf keepalive = tracked(new StunMessageEncoder().encode(ALLOC,
                new StunMessage(StunMessageClass.INDICATION, StunMethod.BINDING, TX, List.of()), null, true));
        assertInstanceOf(StunBindingResponder.Ignored.class, responder.respond(ALLOC, keepalive, VIEWER));

        assertInstanceOf(StunBindingResponder.Ignored.class,
                responder.respond(ALLOC, Unpooled.wrappedBuffer(StunVectors.IPV4_RESPONSE), VIEWER));
        var ignored = assertInstanceOf(StunBindingResponder.Ignored.class,
                responder.respond(ALLOC, Unpooled.wrappedBuffer(new byte[] {22, (byte) 0xFE, (byte) 0xFD, 0}), VIEWER));
        assertTrue(ignored.why().startsWith("not STUN"), ignored.why());
    }

    @Test
    void theLocalUfragRoutesARequestToItsSession() throws Exception {
        StunMessage request = decoder.decode(Unpooled.wrappedBuffer(StunVectors.REQUEST));
        assertEquals("evtj", StunBindingResponder.localUfragOf(request));
        StunMessage anonymous = new StunMessage(StunMessageClass.REQUEST, StunMethod.BINDING, TX, List.of());
        assertNull(StunBindingResponder.localUfragOf(anonymous));
        StunMessage noColon = new StunMessage(StunMessageClass.REQUEST, StunMethod.BINDING, TX,
                List.of(new StunAttribute.Username("evtj")));
        assertNull(StunBindingResponder.localUfragOf(noColon));
    }

    /** Checks an error outcome and returns the decoded response, releasing its buffer. */
    private StunMessage assertError(StunBindingResponder.Outcome outcome, int code, boolean signed) throws Exception {
        StunBindingResponder.Failure failure = assertInstanceOf(StunBindingResponder.Failure.class, outcome, String.valueOf(outcome));
        assertEquals(code, failure.errorCode(), failure.why());
        ByteBuf response = failure.response();
        try {
            assertTrue(StunMessageIntegrity.verifyFingerprint(response));
            StunMessage answer = decoder.decode(response);
            assertEquals(StunMessageClass.ERROR_RESPONSE, answer.messageClass());
            assertEquals(code, answer.attribute(StunAttribute.ErrorCode.class).orElseThrow().code());
            assertEquals(signed, answer.has(StunAttribute.MessageIntegrity.class), "MESSAGE-INTEGRITY on " + code);
            return answer;
        } finally {
            response.release();
        }
    }

    private ByteBuf encodeBack(StunMessage message) {
        return tracked(new StunMessageEncoder().encode(ALLOC, message));
    }
}
