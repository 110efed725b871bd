package dev.glasscast.transcode;

import dev.glasscast.config.SlateConfig;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws the slate with Java2D: the configured colour, the image scaled to fit (if any) and the
 * text centred, at a rendition's exact size so it encodes without scaling artefacts.
 */
final class SlatePicture {

    private static final Logger log = LoggerFactory.getLogger(SlatePicture.class);

    private SlatePicture() {
    }

    /**
     * @return the picture as packed BGR24 rows ({@code width * 3} bytes each), a fresh array
     */
    static byte[] renderBgr(SlateConfig slate, int width, int height) {
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new Color(slate.rgb()));
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            BufferedImage image = readImage(slate.image());
            if (image != null) {
                double scale = Math.min((double) width / image.getWidth(), (double) height / image.getHeight());
                int w = (int) (image.getWidth() * scale);
                int h = (int) (image.getHeight() * scale);
                g.drawImage(image, (width - w) / 2, (height - h) / 2, w, h, null);
            }
            if (slate.text() != null && !slate.text().isEmpty()) {
                drawText(g, slate.text(), width, height);
            }
        } finally {
            g.dispose();
        }
        return ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
    }

    private static void drawText(Graphics2D g, String text, int width, int height) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, height / 12)));
            FontMetrics metrics = g.getFontMetrics();
            int x = (width - metrics.stringWidth(text)) / 2;
            int y = (height - metrics.getHeight()) / 2 + metrics.getAscent();
            g.setColor(new Color(0, 0, 0, 120));
            g.drawString(text, x + 2, y + 2);
            g.setColor(Color.WHITE);
            g.drawString(text, x, y);
        } catch (RuntimeException | Error e) {
            // A JRE without fonts (fontconfig missing) cannot draw text; the colour still tells
            // viewers the stream is paused, which beats taking the slate down with it.
            log.warn("slate: cannot draw text ({}); showing the background only", e.toString());
        }
    }

    private static BufferedImage readImage(String file) {
        if (file == null) {
            return null;
        }
        try {
            BufferedImage image = ImageIO.read(Path.of(file).toFile());
            if (image == null) {
                log.warn("slate: {} is not a PNG or JPEG; showing the colour only", file);
            }
            return image;
        } catch (IOException e) {
            log.warn("slate: cannot read {}: {}; showing the colour only", file, e.getMessage());
            return null;
        }
    }
}
