package dev.glasscast.ingest.sdp;

/** The media direction attributes (RFC 8866 section 6.7), as seen by the side that wrote them. */
public enum SdpDirection {
    SENDRECV("sendrecv"),
    SENDONLY("sendonly"),
    RECVONLY("recvonly"),
    INACTIVE("inactive");

    private final String attribute;

    SdpDirection(String attribute) {
        this.attribute = attribute;
    }

    /** The attribute name, e.g. {@code recvonly}. */
    public String attribute() {
        return attribute;
    }

    /** Whether the writer of this direction sends media. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    /** Whether the writer of this direction receives media. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** The direction with {@code name}, or null when it is not a direction attribute. */
    static SdpDirection of(String name) {
        for (SdpDirection direction : values()) {
            if (direction.attribute.equals(name)) {
                return direction;
            }
        }
        return null;
    }
}
