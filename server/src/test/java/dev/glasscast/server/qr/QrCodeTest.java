package dev.glasscast.server.qr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class QrCodeTest {

    private static final String URL = "http://192.168.1.20:8080/watch/main";

    @Test
    void terminalTextDecodesToTheUrl() throws Exception {
        QrCode code = QrCode.of(URL);
        assertEquals(URL, QrDecoding.fromTerminal(code.terminalText(false)));
        assertEquals(URL, QrDecoding.fromTerminal(code.terminalText(true)));
    }

    @Test
    void terminalTextKeepsAQuietZoneAndForcesDarkOnLight() {
        String coloured = QrCode.of(URL).terminalText(true);
        List<String> lines = coloured.lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.contains("\u001b[30;107m") && l.endsWith("\u001b[0m")), coloured);
        String plain = QrCode.of(URL).terminalText(false);
        List<String> rows = plain.lines().map(l -> l.substring(2)).toList();
        // The first two lines hold the top four modules: all light.
        assertTrue(rows.get(0).isBlank() && rows.get(1).isBlank(), plain);
        assertTrue(rows.stream().allMatch(r -> r.substring(0, QrCode.QUIET_ZONE).isBlank()
                && r.substring(r.length() - QrCode.QUIET_ZONE).isBlank()), plain);
    }

    @Test
    void pngDecodesToTheUrl() throws Exception {
        byte[] png = QrCode.of(URL).png(6);
        assertEquals(URL, QrDecoding.fromImage(png));
    }

    @Test
    void emptyAndOverlongTextAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> QrCode.of(""));
        assertThrows(IllegalArgumentException.class, () -> QrCode.of("x".repeat(QrCode.MAX_TEXT + 1)));
        assertFalse(QrCode.of(URL).dark(-1, -1));
    }
}
