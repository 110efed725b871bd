package dev.glasscast.ingest.stun;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One STUN message (RFC 8489 section 5): class, method, 96-bit transaction id and attributes in
 * wire order. A decoded message includes its MESSAGE-INTEGRITY and FINGERPRINT as they arrived;
 * {@link StunMessageEncoder#encode(io.netty.buffer.ByteBufAllocator, StunMessage, byte[], boolean)}
 * replaces them with freshly computed ones.
 *
 * @param transactionId 12 bytes, owned by this record
 */
public record StunMessage(StunMessageClass messageClass, StunMethod method, byte[] transactionId,
                          List<StunAttribute> attributes) {

    public static final int HEADER_SIZE = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int TRANSACTION_ID_SIZE = 12;

    public StunMessage {
        if (transactionId.length != TRANSACTION_ID_SIZE) {
            throw new IllegalArgumentException("a transaction id is 12 bytes, not " + transactionId.length);
        }
        attributes = List.copyOf(attributes);
    }

    /** The first attribute of {@code kind}, if any: RFC 8489 section 14 says later duplicates are ignored. */
    public <T extends StunAttribute> Optional<T> attribute(Class<T> kind) {
        for (StunAttribute attribute : attributes) {
            if (kind.isInstance(attribute)) {
                return Optional.of(kind.cast(attribute));
            }
        }
        return Optional.empty();
    }

    /** Whether an attribute of {@code kind} is present. */
    public boolean has(Class<? extends StunAttribute> kind) {
        return attribute(kind).isPresent();
    }

    /**
     * The comprehension-required attribute types this codec kept as {@link StunAttribute.Raw}
     * and does not act on, in order. MESSAGE-INTEGRITY-SHA256 is left out: RFC 8489 lets a
     * receiver that has MESSAGE-INTEGRITY to check use it instead.
     */
    public int[] unknownComprehensionRequired() {
        return attributes.stream()
                .filter(a -> a instanceof StunAttribute.Raw raw && StunAttribute.comprehensionRequired(raw.type())
                        && raw.type() != StunAttribute.TYPE_MESSAGE_INTEGRITY_SHA256)
                .mapToInt(StunAttribute::type).distinct().toArray();
    }

    /** The same message without MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT. */
    public StunMessage withoutIntegrity() {
        return new StunMessage(messageClass, method, transactionId, attributes.stream()
                .filter(a -> !(a instanceof StunAttribute.MessageIntegrity) && !(a instanceof StunAttribute.Fingerprint)
                        && a.type() != StunAttribute.TYPE_MESSAGE_INTEGRITY_SHA256)
                .toList());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StunMessage that && messageClass == that.messageClass && method == that.method
                && Arrays.equals(transactionId, that.transactionId) && attributes.equals(that.attributes);
    }

    @Override
    public int hashCode() {
        return (messageClass.hashCode() * 31 + method.hashCode()) * 31 + Arrays.hashCode(transactionId)
                + attributes.hashCode();
    }

    @Override
    public String toString() {
        return "StunMessage[" + method + " " + messageClass + ", tx=" + java.util.HexFormat.of().formatHex(transactionId)
                + ", " + attributes.stream().map(StunMessage::describe).toList() + "]";
    }

    /** Never prints MESSAGE-INTEGRITY bytes or other raw values in full: logs are not for secrets. */
    private static String describe(StunAttribute attribute) {
        return switch (attribute) {
            case StunAttribute.MessageIntegrity ignored -> "MESSAGE-INTEGRITY";
            case StunAttribute.Raw raw -> String.format("0x%04X(%d bytes)", raw.type(), raw.value().length);
            default -> attribute.toString();
        };
    }
}
