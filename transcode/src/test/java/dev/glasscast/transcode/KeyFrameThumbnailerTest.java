package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A key frame of every codec the ladder decodes gives a JPEG of the picture (its gradient, at
 * most the thumbnail width, its shape kept); a key frame the decoder rejects gives none. The
 * key frames are JavaCV's encodes of {@link SyntheticClip}: x264, x265 and SVT-AV1, as OBS sends.
 */
class KeyFrameThumbnailerTest {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int MAX_WIDTH = 480;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Codec.class, names = {"H264", "H265", "AV1"})
    void aKeyFrameGivesAScaledDownPictureOfIt(Codec codec) throws Exception {
        SyntheticClip clip = SyntheticClip.make(dir.resolve(codec + ".mp4"), codec, WIDTH, HEIGHT, 30, 3, 30);
        AccessUnit keyFrame = clip.videoUnits().getFirst();
        assertTrue(keyFrame.keyFrame(), "the clip starts with a key frame");

        Optional<byte[]> jpeg = new KeyFrameThumbnailer(MAX_WIDTH).jpeg(clip.video(), keyFrame);

        assertTrue(jpeg.isPresent(), "no thumbnail of a " + codec + " key frame");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg.get()));
        assertEquals(MAX_WIDTH, image.getWidth());
        assertEquals(HEIGHT * MAX_WIDTH / WIDTH, image.getHeight());
        // The decoded picture, not a blank one: the gradient's blue grows from left to right
        // (a quarter down, above the moving square).
        int y = image.getHeight() / 4;
        int leftBlue = image.getRGB(8, y) & 0xFF;
        int rightBlue = image.getRGB(image.getWidth() - 8, y) & 0xFF;
        assertTrue(rightBlue - leftBlue > 150, "blue " + leftBlue + " at the left, " + rightBlue + " at the right");
    }

    @Test
    void aKeyFrameTheDecoderRejectsGivesNoPicture() throws Exception {
        SyntheticClip clip = SyntheticClip.make(dir.resolve("h264.mp4"), Codec.H264, 320, 180, 30, 1, 30);
        AccessUnit undecodable = new AccessUnit(1, 0, 0, 3000, true, new byte[] {0, 0, 0, 3, 0x65, 0, 0});

        assertEquals(Optional.empty(), new KeyFrameThumbnailer(MAX_WIDTH).jpeg(clip.video(), undecodable));
    }
}
