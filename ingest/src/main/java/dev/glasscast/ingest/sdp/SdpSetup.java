package dev.glasscast.ingest.sdp;

/**
 * {@code a=setup} (RFC 4145 section 4, RFC 8842 section 5): which side starts the DTLS
 * handshake. An offer says actpass; GlassCast answers passive, so the browser or OBS is the
 * DTLS client and the server never has to reach out through a NAT first.
 */
public enum SdpSetup {
    ACTPASS("actpass"),
    ACTIVE("active"),
    PASSIVE("passive"),
    HOLDCONN("holdconn");

    private final String attribute;

    SdpSetup(String attribute) {
        this.attribute = attribute;
    }

    public String attribute() {
        return attribute;
    }

    static SdpSetup parse(String value) throws SdpParseException {
        for (SdpSetup setup : values()) {
            if (setup.attribute.equals(value.trim())) {
                return setup;
            }
        }
        throw new SdpParseException("a=setup must be actpass, active, passive or holdconn: '" + SdpTokens.shorten(value) + "'");
    }
}
