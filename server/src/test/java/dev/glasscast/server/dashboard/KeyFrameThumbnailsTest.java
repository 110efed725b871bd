package dev.glasscast.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.NalUnits;
import dev.glasscast.server.e2e.FfmpegCli;
import dev.glasscast.transcode.KeyFrameThumbnailer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bookkeeping around the picture (KeyFrameThumbnailerTest, in transcode/, checks the picture
 * of every codec; OperatorApiEndToEndTest fetches one from a whole daemon):
 * a real x264 key frame from Debian's ffmpeg gives a JPEG of its size, an undecodable key frame
 * that replaces it gives none (and no crash), and sources are not read. Every "no picture"
 * is reached from a picture, waiting for the change, so it cannot hold merely because the unit
 * never reached the thumbnailer or the thumbnailer never ran.
 */
class KeyFrameThumbnailsTest {

    private static final int WIDTH = 426;
    private static final int HEIGHT = 240;
    private static final byte[] UNDECODABLE_IDR = {0, 0, 0, 3, 0x65, 0, 0};

    @TempDir
    static Path dir;
    static byte[] avcC;
    static byte[] keyFrame;

    /** One x264 IDR picture: its parameter sets as avcC, the rest as a length-prefixed unit. */
    @BeforeAll
    static void encodeAKeyFrame() throws Exception {
        FfmpegCli.Result result = FfmpegCli.run(dir, "ffmpeg", List.of("-v", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=" + WIDTH + "x" + HEIGHT + ":rate=25", "-frames:v", "1", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "h264", dir.resolve("key.h264").toString()), 60);
        assertEquals(0, result.exitCode(), result.stderr());
        byte[] annexB = Files.readAllBytes(dir.resolve("key.h264"));
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        List<byte[]> picture = new ArrayList<>();
        for (byte[] nal : NalUnits.splitAnnexB(annexB, 0, annexB.length)) {
            switch (NalUnits.h264Type(nal[0])) {
                case NalUnits.H264_NAL_SPS -> sps.add(nal);
                case NalUnits.H264_NAL_PPS -> pps.add(nal);
                case NalUnits.H264_NAL_AUD -> { }
                default -> picture.add(nal);
            }
        }
        avcC = AvcDecoderConfig.of(sps, pps).toBytes();
        keyFrame = NalUnits.toLengthPrefixed(picture);
    }

    @Test
    void aKeyFrameGivesAPictureAndAnUndecodableOneAfterItGivesNoneAndNoCrash() throws Exception {
        StreamHub hub = new StreamHub();
        AtomicLong clock = new AtomicLong();
        try (KeyFrameThumbnails thumbnails = new KeyFrameThumbnails(new KeyFrameThumbnailer(KeyFrameThumbnails.MAX_WIDTH), clock::get);
             StreamPublisher rung = publishRung(hub, thumbnails)) {
            rung.send(new AccessUnit(1, 0, 0, 3600, true, keyFrame));
            assertPicture(awaitPicture(thumbnails, clock, true));

            rung.send(new AccessUnit(1, 3600, 3600, 3600, true, UNDECODABLE_IDR));
            awaitPicture(thumbnails, clock, false);

            // The thumbnailer survived it: the next good key frame gives a picture again.
            rung.send(new AccessUnit(1, 7200, 7200, 3600, true, keyFrame));
            assertPicture(awaitPicture(thumbnails, clock, true));
        }
    }

    @Test
    void sourcesAreNotRead() throws Exception {
        StreamHub hub = new StreamHub();
        try (KeyFrameThumbnails thumbnails = new KeyFrameThumbnails(new KeyFrameThumbnailer(KeyFrameThumbnails.MAX_WIDTH), System::nanoTime);
             StreamPublisher source = hub.publish(StreamPath.source("main"))) {
            // The hub reads a stream only through the reader onPublished returns.
            assertNull(thumbnails.onPublished(source.stream()));
        }
    }

    private static StreamPublisher publishRung(StreamHub hub, KeyFrameThumbnails thumbnails) throws Exception {
        if (thumbnails != null) {
            hub.addListener(thumbnails);
        }
        StreamPublisher rung = hub.publish(StreamPath.rendition("main", "240p"));
        rung.tracks(List.of(video()));
        return rung;
    }

    private static TrackInfo video() {
        return TrackInfo.video(1, Codec.H264, 90_000, WIDTH, HEIGHT, 25, 0, avcC);
    }

    /**
     * Asks for the thumbnail until there is one ({@code wanted}) or there is none, moving the
     * clock past the cache's age each time so that every answer reflects the latest key frame.
     * The deadline only ends a broken test.
     */
    private static byte[] awaitPicture(KeyFrameThumbnails thumbnails, AtomicLong clock, boolean wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            clock.addAndGet(KeyFrameThumbnails.MAX_AGE_NANOS + 1);
            Optional<byte[]> jpeg = thumbnails.jpeg("main").get(30, TimeUnit.SECONDS);
            if (jpeg.isPresent() == wanted) {
                return jpeg.orElse(null);
            }
            assertTrue(System.nanoTime() < deadline, wanted ? "no picture of the key frame in 30 s"
                    : "still a picture 30 s after the key frame that cannot give one");
            Thread.sleep(20);
        }
    }

    private static void assertPicture(byte[] jpeg) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
    }
}
