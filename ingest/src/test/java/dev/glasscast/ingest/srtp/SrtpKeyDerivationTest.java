package dev.glasscast.ingest.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SrtpKeyDerivationTest {

    private static final HexFormat HEX = HexFormat.of();
    // RFC 3711 Appendix B.3.
    private static final byte[] MASTER_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] MASTER_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");

    @Test
    void rfc3711AppendixB3CipherKey() {
        assertArrayEquals(HEX.parseHex("c61e7a93744f39ee10734afe3ff7a087"),
                SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 16));
    }

    @Test
    void rfc3711AppendixB3CipherSalt() {
        assertArrayEquals(HEX.parseHex("30cbbc08863d8c85d49db34a9ae1"),
                SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_SALT, 14));
    }

    @Test
    void rfc3711AppendixB3AuthenticationKey() {
        assertArrayEquals(HEX.parseHex("cebe321f6ff7716b6fd4ab49af256a156d38baa48f0a0acf3c34e2359e6cdbce"),
                SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_AUTH, 32));
    }

    @Test
    void refusesASaltLongerThan112Bits() {
        assertThrows(IllegalArgumentException.class, () -> SrtpKeyDerivation.derive(MASTER_KEY, new byte[15], 0, 16));
    }
}
