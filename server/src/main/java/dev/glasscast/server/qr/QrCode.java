package dev.glasscast.server.qr;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.BarcodeFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A QR code of one URL (ZXing), drawn for a terminal or as a PNG. Both keep the four-module
 * quiet zone the QR specification asks for: phone cameras lock on far more reliably with it.
 */
public final class QrCode {

    /** Light modules around the code, as ISO/IEC 18004 requires. */
    public static final int QUIET_ZONE = 4;
    /** Longest text encoded; a longer URL would make a code too dense to scan from a screen. */
    public static final int MAX_TEXT = 512;

    // Black on bright white whatever the terminal's theme: a QR code must be dark on light, and
    // a light-on-dark (inverted) code is one many phone readers refuse.
    private static final String TERMINAL_COLOURS = "\u001b[30;107m";
    private static final String TERMINAL_RESET = "\u001b[0m";

    private final String text;
    private final BitMatrix modules;

    private QrCode(String text, BitMatrix modules) {
        this.text = text;
        this.modules = modules;
    }

    /** Encodes {@code text} at error-correction level M (15 %), which survives screen glare. */
    public static QrCode of(String text) {
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("QR text must be 1 to " + MAX_TEXT + " characters");
        }
        try {
            // Width and height 0: one pixel per module, margin added by us where it is drawn.
            BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                    EncodeHintType.MARGIN, 0,
                    EncodeHintType.CHARACTER_SET, "UTF-8"));
            return new QrCode(text, matrix);
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode a QR code of " + text.length() + " characters", e);
        }
    }

    public String text() {
        return text;
    }

    /** Modules per side, without the quiet zone. */
    public int size() {
        return modules.getWidth();
    }

    /** Whether the module at ({@code x}, {@code y}) is dark; outside the code (the quiet zone) is light. */
    public boolean dark(int x, int y) {
        return x >= 0 && y >= 0 && x < modules.getWidth() && y < modules.getHeight() && modules.get(x, y);
    }

    /**
     * The code as lines of Unicode half blocks (two modules per character cell, top and bottom),
     * each line wrapped in ANSI colours so it reads dark on light in any terminal.
     *
     * @param colours false for plain characters (light cells as spaces), e.g. when writing to a file
     */
    public String terminalText(boolean colours) {
        int from = -QUIET_ZONE;
        int to = size() + QUIET_ZONE;
        StringBuilder out = new StringBuilder();
        for (int y = from; y < to; y += 2) {
            out.append("  ");
            if (colours) {
                out.append(TERMINAL_COLOURS);
            }
            for (int x = from; x < to; x++) {
                boolean top = dark(x, y);
                boolean bottom = y + 1 < to && dark(x, y + 1);
                out.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : ' '));
            }
            if (colours) {
                out.append(TERMINAL_RESET);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The code as a black-on-white PNG, {@code pixelsPerModule} pixels per module, with the quiet zone. */
    public byte[] png(int pixelsPerModule) {
        if (pixelsPerModule < 1 || pixelsPerModule > 32) {
            throw new IllegalArgumentException("pixelsPerModule must be 1 to 32");
        }
        int side = (size() + 2 * QUIET_ZONE) * pixelsPerModule;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_BINARY);
        for (int py = 0; py < side; py++) {
            for (int px = 0; px < side; px++) {
                boolean dark = dark(px / pixelsPerModule - QUIET_ZONE, py / pixelsPerModule - QUIET_ZONE);
                image.setRGB(px, py, dark ? 0xFF000000 : 0xFFFFFFFF);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
