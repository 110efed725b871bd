package dev.glasscast.ingest.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DtlsEndpointStateTest {

    @Test
    void statesAndRolesAreTheDocumentedOnes() {
        assertEquals(List.of(DtlsEndpointState.HANDSHAKING, DtlsEndpointState.CONNECTED, DtlsEndpointState.FAILED,
                DtlsEndpointState.CLOSED), List.of(DtlsEndpointState.values()));
        assertEquals(List.of(DtlsRole.SERVER, DtlsRole.CLIENT), List.of(DtlsRole.values()));
    }
}
