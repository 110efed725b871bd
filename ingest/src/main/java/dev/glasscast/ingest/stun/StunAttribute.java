package dev.glasscast.ingest.stun;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One STUN attribute (RFC 8489 section 14, RFC 8445 section 16.1). The attributes ICE needs
 * have their own record; every other one is kept as {@link Raw} so that it can be re-encoded,
 * and so that a request carrying an unknown comprehension-required attribute (type below
 * 0x8000) can be answered with 420 as RFC 8489 section 6.3.1 asks.
 *
 * <p>Records holding arrays own them: the decoder copies bytes out of the datagram.
 */
public sealed interface StunAttribute {

    int TYPE_MAPPED_ADDRESS = 0x0001;
    int TYPE_USERNAME = 0x0006;
    int TYPE_MESSAGE_INTEGRITY = 0x0008;
    int TYPE_ERROR_CODE = 0x0009;
    int TYPE_UNKNOWN_ATTRIBUTES = 0x000A;
    int TYPE_MESSAGE_INTEGRITY_SHA256 = 0x001C;
    int TYPE_XOR_MAPPED_ADDRESS = 0x0020;
    int TYPE_PRIORITY = 0x0024;
    int TYPE_USE_CANDIDATE = 0x0025;
    int TYPE_SOFTWARE = 0x8022;
    int TYPE_FINGERPRINT = 0x8028;
    int TYPE_ICE_CONTROLLED = 0x8029;
    int TYPE_ICE_CONTROLLING = 0x802A;

    /** The attribute's 16-bit type. */
    int type();

    /** Types below 0x8000 must be understood by the receiver (RFC 8489 section 14). */
    static boolean comprehensionRequired(int type) {
        return type < 0x8000;
    }

    /** USERNAME: for ICE, "receiver's ufrag:sender's ufrag" (RFC 8445 section 7.2.2). */
    record Username(String value) implements StunAttribute {
        /** RFC 8489 section 14.3: fewer than 509 bytes; 513 as RFC 5389 allowed, to be lenient. */
        public static final int MAX_BYTES = 513;

        public Username {
            Objects.requireNonNull(value);
        }

        @Override
        public int type() {
            return TYPE_USERNAME;
        }
    }

    /** MESSAGE-INTEGRITY: HMAC-SHA1 of the message before it (see {@link StunMessageIntegrity}). */
    record MessageIntegrity(byte[] hmac) implements StunAttribute {
        public static final int LENGTH = 20;

        public MessageIntegrity {
            if (hmac.length != LENGTH) {
                throw new IllegalArgumentException("MESSAGE-INTEGRITY is 20 bytes, not " + hmac.length);
            }
        }

        @Override
        public int type() {
            return TYPE_MESSAGE_INTEGRITY;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof MessageIntegrity that && Arrays.equals(hmac, that.hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }
    }

    /** FINGERPRINT: CRC-32 of the message before it, XOR 0x5354554e. */
    record Fingerprint(int crc) implements StunAttribute {
        @Override
        public int type() {
            return TYPE_FINGERPRINT;
        }
    }

    /** XOR-MAPPED-ADDRESS: the address the request came from, as the responder saw it. */
    record XorMappedAddress(InetSocketAddress address) implements StunAttribute {
        public XorMappedAddress {
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("XOR-MAPPED-ADDRESS needs a resolved address: " + address);
            }
        }

        @Override
        public int type() {
            return TYPE_XOR_MAPPED_ADDRESS;
        }
    }

    /** PRIORITY: the priority a peer-reflexive candidate learnt from this check would get. */
    record Priority(long priority) implements StunAttribute {
        public Priority {
            if (priority < 0 || priority > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("PRIORITY is an unsigned 32-bit value: " + priority);
            }
        }

        @Override
        public int type() {
            return TYPE_PRIORITY;
        }
    }

    /** USE-CANDIDATE: the controlling agent nominates this pair. */
    record UseCandidate() implements StunAttribute {
        @Override
        public int type() {
            return TYPE_USE_CANDIDATE;
        }
    }

    /** ICE-CONTROLLING with the sender's tie-breaker. */
    record IceControlling(long tieBreaker) implements StunAttribute {
        @Override
        public int type() {
            return TYPE_ICE_CONTROLLING;
        }
    }

    /** ICE-CONTROLLED with the sender's tie-breaker. */
    record IceControlled(long tieBreaker) implements StunAttribute {
        @Override
        public int type() {
            return TYPE_ICE_CONTROLLED;
        }
    }

    /** ERROR-CODE: a code from 300 to 699 and a reason phrase. */
    record ErrorCode(int code, String reason) implements StunAttribute {
        /** RFC 8489 section 14.8: fewer than 128 characters, at most 763 bytes. */
        public static final int MAX_REASON_BYTES = 763;

        public ErrorCode {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("ERROR-CODE must be 300..699: " + code);
            }
            Objects.requireNonNull(reason);
        }

        @Override
        public int type() {
            return TYPE_ERROR_CODE;
        }
    }

    /** UNKNOWN-ATTRIBUTES: the comprehension-required types a 420 response did not understand. */
    record UnknownAttributes(int[] types) implements StunAttribute {
        @Override
        public int type() {
            return TYPE_UNKNOWN_ATTRIBUTES;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof UnknownAttributes that && Arrays.equals(types, that.types);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(types);
        }
    }

    /** Any other attribute (SOFTWARE, GOOG-NETWORK-INFO, MESSAGE-INTEGRITY-SHA256...), unpadded. */
    record Raw(int type, byte[] value) implements StunAttribute {
        public Raw {
            if (type < 0 || type > 0xFFFF) {
                throw new IllegalArgumentException("attribute type is 16 bits: " + type);
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Raw that && type == that.type && Arrays.equals(value, that.value);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(value);
        }
    }
}
