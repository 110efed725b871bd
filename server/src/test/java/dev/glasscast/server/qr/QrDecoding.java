package dev.glasscast.server.qr;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Reads QR codes back with ZXing's own reader, as a phone would: from pixels, not from our modules. */
public final class QrDecoding {

    private static final int PIXELS_PER_MODULE = 4;

    private QrDecoding() {
    }

    /** Decodes a PNG or JPEG image. */
    public static String fromImage(byte[] image) throws Exception {
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(image));
        int[] pixels = picture.getRGB(0, 0, picture.getWidth(), picture.getHeight(), null, 0, picture.getWidth());
        return decode(picture.getWidth(), picture.getHeight(), pixels);
    }

    /**
     * Decodes terminal half-block art: ANSI escapes are dropped, each character cell becomes two
     * modules (top and bottom half), a space is light and a block dark.
     */
    public static String fromTerminal(String text) throws Exception {
        List<String> lines = text.replaceAll("\u001b\\[[0-9;]*m", "").lines()
                .filter(line -> line.chars().anyMatch(c -> c == '█' || c == '▀' || c == '▄' || c == ' '))
                .toList();
        int width = lines.stream().mapToInt(String::length).max().orElse(0);
        int rows = lines.size() * 2;
        int[] pixels = new int[width * PIXELS_PER_MODULE * rows * PIXELS_PER_MODULE];
        java.util.Arrays.fill(pixels, 0xFFFFFFFF);
        for (int line = 0; line < lines.size(); line++) {
            String cells = lines.get(line);
            for (int x = 0; x < cells.length(); x++) {
                char c = cells.charAt(x);
                boolean top = c == '█' || c == '▀';
                boolean bottom = c == '█' || c == '▄';
                paint(pixels, width * PIXELS_PER_MODULE, x, line * 2, top);
                paint(pixels, width * PIXELS_PER_MODULE, x, line * 2 + 1, bottom);
            }
        }
        return decode(width * PIXELS_PER_MODULE, rows * PIXELS_PER_MODULE, pixels);
    }

    private static void paint(int[] pixels, int stride, int moduleX, int moduleY, boolean dark) {
        if (!dark) {
            return;
        }
        for (int dy = 0; dy < PIXELS_PER_MODULE; dy++) {
            for (int dx = 0; dx < PIXELS_PER_MODULE; dx++) {
                pixels[(moduleY * PIXELS_PER_MODULE + dy) * stride + moduleX * PIXELS_PER_MODULE + dx] = 0xFF000000;
            }
        }
    }

    private static String decode(int width, int height, int[] pixels) throws NotFoundException, IOException {
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width, height, pixels)));
        try {
            return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.FALSE)).getText();
        } catch (com.google.zxing.ChecksumException | com.google.zxing.FormatException e) {
            throw new IOException("unreadable QR code", e);
        }
    }
}
