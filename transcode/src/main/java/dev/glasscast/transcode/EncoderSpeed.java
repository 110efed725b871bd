package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many pixels per second this machine's x264 encodes at a preset, all cores together:
 * measured, not guessed from the core count, because cores differ by a factor of several
 * between a Raspberry Pi and a server. One thread encodes a short moving 640x360 picture (a
 * textured pattern, so x264 works as on camera content rather than on a flat field); the rate
 * is multiplied by the cores the JVM may use. Measured once, on first use (about half a second
 * of one core), then cached. Thread-safe.
 */
final class EncoderSpeed implements DoubleSupplier {

    private static final Logger log = LoggerFactory.getLogger(EncoderSpeed.class);

    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int WARM_UP_FRAMES = 5;
    private static final int MEASURED_FRAMES = 40;

    private final String preset;
    private final int cores;
    private volatile double pixelsPerSecond;

    /**
     * @param preset the x264 preset the rungs will use
     * @param cores  the cores the encoders share, usually {@code Runtime.availableProcessors()}
     */
    EncoderSpeed(String preset, int cores) {
        this.preset = preset;
        this.cores = Math.max(1, cores);
    }

    /** Pixels per second at the preset, all cores together; measures on the first call. */
    @Override
    public double getAsDouble() {
        double measured = pixelsPerSecond;
        if (measured == 0) {
            synchronized (this) {
                if (pixelsPerSecond == 0) {
                    pixelsPerSecond = measure();
                }
                measured = pixelsPerSecond;
            }
        }
        return measured;
    }

    private double measure() {
        RungConfig rung = new RungConfig("speed", "h264", WIDTH, HEIGHT, 800_000, 0, 0, 0, preset, "main", null, 0, 0);
        TrackInfo track = TrackInfo.video(1, Codec.H264, 90_000, WIDTH, HEIGHT, 30, 0, new byte[0]);
        AVFrame picture = av_frame_alloc();
        try (VideoEncoder encoder = new VideoEncoder(rung, WIDTH, HEIGHT, track, 30, 1)) {
            picture.format(AV_PIX_FMT_YUV420P).width(WIDTH).height(HEIGHT);
            TranscodeException.check(av_frame_get_buffer(picture, 0), "av_frame_get_buffer(speed)");
            byte[] texture = texture();
            fillChroma(picture);
            long started = 0;
            for (int i = 0; i < WARM_UP_FRAMES + MEASURED_FRAMES; i++) {
                if (i == WARM_UP_FRAMES) {
                    started = System.nanoTime();
                }
                draw(picture, texture, i);
                encoder.encode(picture, i * 3_000L, 3_000, i == 0, unit -> { });
            }
            double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
            double perCore = (double) WIDTH * HEIGHT * MEASURED_FRAMES / seconds;
            double total = perCore * cores;
            log.info(String.format(Locale.ROOT, "x264 %s on this machine: %.1f Mpixel/s a core, %.1f Mpixel/s on %d "
                    + "cores (about %.1f 720p30 rungs)", preset, perCore / 1e6, total / 1e6, cores,
                    total / (1280.0 * 720 * 30)));
            return total;
        } finally {
            av_frame_free(picture);
        }
    }

    /** Fixed pseudo-random detail, so every picture costs what camera content costs. */
    private static byte[] texture() {
        byte[] texture = new byte[(WIDTH + HEIGHT) * HEIGHT];
        long seed = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < texture.length; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            texture[i] = (byte) (seed >>> 56);
        }
        return texture;
    }

    /** The texture, moved by a few pixels a picture, in luma. */
    private static void draw(AVFrame picture, byte[] texture, int index) {
        BytePointer luma = picture.data(0);
        int stride = picture.linesize(0);
        int shift = (index * 3) % HEIGHT;
        for (int row = 0; row < HEIGHT; row++) {
            luma.position((long) row * stride).put(texture, row * (WIDTH + HEIGHT) / 2 + shift, WIDTH);
        }
        luma.position(0);
    }

    private static void fillChroma(AVFrame picture) {
        for (int plane = 1; plane < 3; plane++) {
            byte[] grey = new byte[picture.linesize(plane) * (HEIGHT / 2)];
            java.util.Arrays.fill(grey, (byte) 128);
            picture.data(plane).put(grey, 0, grey.length).position(0);
        }
    }
}
