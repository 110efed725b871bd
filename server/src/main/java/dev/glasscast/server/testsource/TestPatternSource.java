package dev.glasscast.server.testsource;

import dev.glasscast.config.TestSourceConfig;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ShortBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a moving test pattern with a running wall clock and a tone through the daemon's own
 * RTMP ingest on loopback, with FFmpeg (through JavaCV) as the publisher, exactly as OBS would
 * publish. It exists so a newcomer sees the whole path work without OBS.
 *
 * <p>It publishes as a stand-in ({@link dev.glasscast.media.StreamHub#publishStandIn}): the first
 * real publisher of the stream takes it over, and the test pattern then stops for good, so that a
 * recording the event leaves behind is not replaced by the pattern's when the event ends.
 *
 * <p>Runs on its own platform thread, paced to real time; if the connection fails for another
 * reason (the ingest is not up yet) it retries with a back-off.
 */
public final class TestPatternSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TestPatternSource.class);
    private static final int SAMPLE_RATE = 48_000;
    private static final int CHANNELS = 2;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final TestSourceConfig config;
    private final String publishUrl;
    private final BooleanSupplier takenOver;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param publishUrl e.g. {@code rtmp://127.0.0.1:1935/live/<stand-in key>}
     * @param takenOver  whether a real publisher holds the stream now
     */
    public TestPatternSource(TestSourceConfig config, String publishUrl, BooleanSupplier takenOver) {
        this.config = config;
        this.publishUrl = publishUrl;
        this.takenOver = takenOver;
    }

    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("test-pattern-source").daemon(true).start(this::runWithRetries);
    }

    private void runWithRetries() {
        long backoffMillis = 500;
        while (running) {
            try {
                publishUntilStopped();
                backoffMillis = 500;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (takenOver.getAsBoolean()) {
                    log.info("test source: a publisher took the stream over; the test pattern stops until the next start");
                    running = false;
                    return;
                }
                log.warn("test source: publishing failed ({}); retrying in {} ms", e.getMessage(), backoffMillis);
            }
            sleepMillis(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 10_000);
        }
    }

    private void publishUntilStopped() throws Exception {
        int width = config.width();
        int height = config.height();
        int fps = config.fps();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(publishUrl, width, height, CHANNELS);
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("flv");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setGopSize(fps * 2);
            recorder.setVideoBitrate((int) config.videoBitrate());
            recorder.setVideoOption("preset", "veryfast");
            recorder.setVideoOption("tune", "zerolatency");
            recorder.setVideoOption("profile", "high");
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(SAMPLE_RATE);
            recorder.setAudioChannels(CHANNELS);
            recorder.setAudioBitrate(128_000);
            recorder.start();
            log.info("test source: publishing {}x{} at {} fps", width, height, fps);

            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            int samplesPerFrame = SAMPLE_RATE / fps;
            short[] samples = new short[samplesPerFrame * CHANNELS];
            long frameNanos = TimeUnit.SECONDS.toNanos(1) / fps;
            long start = System.nanoTime();
            long sampleIndex = 0;
            for (long frameNumber = 0; running; frameNumber++) {
                long due = start + frameNumber * frameNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                draw(image, frameNumber, fps);
                Frame frame = converter.convert(image);
                recorder.record(frame);
                sampleIndex = tone(samples, sampleIndex);
                recorder.recordSamples(SAMPLE_RATE, CHANNELS, ShortBuffer.wrap(samples));
            }
            recorder.stop();
        }
    }

    /** A 440 Hz tone that beeps for the first 100 ms of every second, so sync is audible. */
    private static long tone(short[] samples, long sampleIndex) {
        for (int i = 0; i < samples.length / CHANNELS; i++, sampleIndex++) {
            boolean beep = sampleIndex % SAMPLE_RATE < SAMPLE_RATE / 10;
            short value = beep ? (short) (Math.sin(2 * Math.PI * 440 * sampleIndex / SAMPLE_RATE) * 8000) : 0;
            for (int c = 0; c < CHANNELS; c++) {
                samples[i * CHANNELS + c] = value;
            }
        }
        return sampleIndex;
    }

    private static void draw(BufferedImage image, long frameNumber, int fps) {
        int w = image.getWidth();
        int h = image.getHeight();
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            float phase = (frameNumber % (fps * 4)) / (float) (fps * 4);
            g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(phase, 0.6f, 0.5f), w, h, Color.getHSBColor(phase + 0.5f, 0.6f, 0.3f)));
            g.fillRect(0, 0, w, h);
            Color[] bars = {Color.WHITE, Color.YELLOW, Color.CYAN, Color.GREEN, Color.MAGENTA, Color.RED, Color.BLUE};
            int barWidth = w / bars.length;
            for (int i = 0; i < bars.length; i++) {
                g.setColor(bars[i]);
                g.fillRect(i * barWidth, h - h / 6, barWidth, h / 6);
            }
            int x = (int) ((frameNumber * 8) % (w + 80)) - 80;
            g.setColor(Color.WHITE);
            g.fillRect(x, h / 2 - 40, 80, 80);
            g.setFont(new Font(Font.MONOSPACED, Font.BOLD, h / 8));
            g.drawString(CLOCK.format(Instant.now()), w / 12, h / 3);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, h / 20));
            g.drawString("GlassCast test pattern  ·  frame " + frameNumber, w / 12, h / 3 + h / 12);
        } finally {
            g.dispose();
        }
    }

    /** Sleeps in short steps so {@link #close()} never waits for a long back-off. */
    private void sleepMillis(long millis) {
        long until = System.currentTimeMillis() + millis;
        try {
            while (running && System.currentTimeMillis() < until) {
                Thread.sleep(Math.min(100, millis));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
