package dev.glasscast.packager.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.PackagingConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.MediaOrigin;
import dev.glasscast.packager.NettyLeakWatch;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.TestOrigins;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentStore;
import dev.glasscast.packager.window.SegmentStoreLimits;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real media: x264 + AAC encoded by FFmpeg, published through a real hub into
 * the store, served by the packager's origin ({@link HlsOrigin} and
 * {@link dev.glasscast.packager.cmaf.CmafObjectOrigin}), written to disk and decoded again by FFmpeg.
 */
class HlsOriginRealMediaTest {

    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int FPS = 30;
    private static final int SECONDS = 6;
    private static final int SAMPLE_RATE = 48_000;
    private static final int CHANNELS = 2;
    private static final int VIDEO_FRAMES = FPS * SECONDS;
    /** Keeps decode times positive although the MP4 demuxer starts B-frame streams below zero. */
    private static final double TIMELINE_OFFSET_SECONDS = 10;

    @TempDir
    Path dir;

    @Test
    void ffmpegDecodesWhatTheOriginServes() throws Exception {
        try (NettyLeakWatch leaks = new NettyLeakWatch()) {
            Path source = dir.resolve("source.mp4");
            encode(source);
            Demuxed media = demux(source);
            assertEquals(VIDEO_FRAMES, media.video.size(), "encoded video frames");

            PackagingConfig packaging = new ConfigLoader().defaults().packaging();
            StreamHub hub = new StreamHub(10_000, Clock.systemUTC());
            SegmentStore store = new SegmentStore(SegmentStoreLimits.of(packaging), PooledByteBufAllocator.DEFAULT,
                    Clock.systemUTC(), Duration.ofMinutes(1));
            MediaOrigin origin = TestOrigins.over(store);
            AutoCloseable registration = hub.addListener(store);
            try {
                publish(hub, media);
                awaitEnded(store, "source");
                awaitEnded(store, "audio");

                Path out = dir.resolve("hls");
                String multivariant = fetchText(origin, OriginRequest.of("cam", null, "index.m3u8"), out.resolve("index.m3u8"));
                assertTrue(multivariant.contains("RESOLUTION=320x240"), multivariant);
                assertTrue(multivariant.contains("CODECS=\"avc1.64"), multivariant);
                assertTrue(multivariant.contains("mp4a.40.2"), multivariant);
                assertTrue(multivariant.contains("URI=\"audio/index.m3u8\""), multivariant);

                Path video = fetchRendition(origin, "source", out);
                Path audio = fetchRendition(origin, "audio", out);

                List<Long> videoTimestamps = decodeVideo(video);
                assertTrue(Math.abs(videoTimestamps.size() - VIDEO_FRAMES) <= 1,
                        "decoded " + videoTimestamps.size() + " video frames");
                assertSteps(videoTimestamps, 1_000_000.0 / FPS, "video");

                List<Long> audioTimestamps = decodeAudio(audio);
                int expectedAudioFrames = media.audio.size();
                assertTrue(Math.abs(audioTimestamps.size() - expectedAudioFrames) <= 1,
                        "decoded " + audioTimestamps.size() + " of " + expectedAudioFrames + " audio frames");
                assertSteps(audioTimestamps, 1024 * 1_000_000.0 / SAMPLE_RATE, "audio");

                // Both renditions keep the source timeline (no per-track rebasing), so they stay in sync.
                long offsetMicros = Math.round(TIMELINE_OFFSET_SECONDS * 1_000_000);
                assertEquals(offsetMicros + ffmpegDecodeShiftMicros(media), videoTimestamps.getFirst(), 1000,
                        "first picture at the source time");
                assertEquals(offsetMicros - 1024 * 1_000_000.0 / SAMPLE_RATE, audioTimestamps.getFirst(), 1000,
                        "first audio frame (AAC priming) at the source time");

                assertPlayableThroughHlsDemuxer(out.resolve("index.m3u8"));

                RenditionSnapshot kept = store.find(StreamPath.rendition("cam", "source")).orElseThrow();
                store.close();
                assertFalse(kept.init().isLive(), "init released on close");
                assertEquals(0, store.storedBytes());
            } finally {
                registration.close();
                store.close();
            }
            assertEquals(List.of(), leaks.leaks());
        }
    }

    // ---- encoding and demuxing with FFmpeg ----

    private record Demuxed(TrackInfo videoTrack, TrackInfo audioTrack, List<AccessUnit> video, List<AccessUnit> audio) {
    }

    private static void encode(Path file) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, CHANNELS)) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(FPS);
            recorder.setGopSize(2 * FPS);
            recorder.setVideoBitrate(400_000);
            recorder.setVideoOption("preset", "veryfast");
            recorder.setVideoOption("profile", "high");
            recorder.setVideoOption("x264-params", "scenecut=0:min-keyint=" + 2 * FPS);
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(SAMPLE_RATE);
            recorder.setAudioChannels(CHANNELS);
            recorder.setAudioBitrate(128_000);
            recorder.start();

            Frame picture = new Frame(WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3);
            int samplesPerFrame = SAMPLE_RATE / FPS;
            short[] pcm = new short[samplesPerFrame * CHANNELS];
            long sampleIndex = 0;
            for (int frame = 0; frame < VIDEO_FRAMES; frame++) {
                paint(picture, frame);
                recorder.record(picture, avutil.AV_PIX_FMT_BGR24);
                for (int i = 0; i < samplesPerFrame; i++, sampleIndex++) {
                    short value = (short) (8000 * Math.sin(2 * Math.PI * 440 * sampleIndex / SAMPLE_RATE));
                    pcm[2 * i] = value;
                    pcm[2 * i + 1] = value;
                }
                recorder.recordSamples(SAMPLE_RATE, CHANNELS, ShortBuffer.wrap(pcm));
            }
            recorder.stop();
        }
    }

    /**
     * The fragments give B-frames negative composition offsets (decode time = earliest
     * presentation time, CMAF); FFmpeg's MP4 demuxer keeps decode times at or before
     * presentation times by moving the track later by the largest of them, as it does for its
     * own {@code negative_cts_offsets} output. Browsers present at the stated times.
     */
    private static long ffmpegDecodeShiftMicros(Demuxed media) {
        AccessUnit first = media.video.stream().filter(AccessUnit::keyFrame).findFirst().orElseThrow();
        long keyFrameDelay = first.pts() - first.dts();
        long shift = media.video.stream().mapToLong(unit -> keyFrameDelay - (unit.pts() - unit.dts())).max().orElse(0);
        return Math.max(0, shift) * 1_000_000L / media.videoTrack.timescale();
    }

    /** A moving gradient with a bar, so frames differ and B-frames are used. */
    private static void paint(Frame picture, int frame) {
        ByteBuffer pixels = (ByteBuffer) picture.image[0];
        int stride = picture.imageStride;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int at = y * stride + 3 * x;
                boolean bar = Math.abs(x - (frame * 4) % WIDTH) < 8;
                pixels.put(at, (byte) (bar ? 255 : x + frame));
                pixels.put(at + 1, (byte) (bar ? 255 : y + 2 * frame));
                pixels.put(at + 2, (byte) (bar ? 255 : x + y));
            }
        }
    }

    private static Demuxed demux(Path file) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            AVFormatContext format = grabber.getFormatContext();
            TrackInfo videoTrack = null;
            TrackInfo audioTrack = null;
            int videoIndex = -1;
            int audioIndex = -1;
            for (int i = 0; i < format.nb_streams(); i++) {
                AVStream stream = format.streams(i);
                AVCodecParameters parameters = stream.codecpar();
                assertEquals(1, stream.time_base().num(), "time base numerator");
                int timescale = stream.time_base().den();
                byte[] extradata = new byte[parameters.extradata_size()];
                parameters.extradata().get(extradata);
                if (parameters.codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
                    videoIndex = i;
                    videoTrack = TrackInfo.video(1, Codec.H264, timescale, parameters.width(), parameters.height(),
                            FPS, 0, extradata);
                } else if (parameters.codec_type() == avutil.AVMEDIA_TYPE_AUDIO) {
                    audioIndex = i;
                    audioTrack = TrackInfo.audio(2, Codec.AAC, timescale, parameters.sample_rate(),
                            parameters.ch_layout().nb_channels(), 128_000, extradata);
                }
            }
            assertNotNull(videoTrack, "video stream");
            assertNotNull(audioTrack, "audio stream");
            assertEquals(1, videoTrack.codecConfig()[0], "extradata is an avcC record, not Annex B");

            List<AccessUnit> video = new ArrayList<>();
            List<AccessUnit> audio = new ArrayList<>();
            AVPacket packet;
            while ((packet = grabber.grabPacket()) != null) {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                boolean key = (packet.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
                if (packet.stream_index() == videoIndex) {
                    long offset = Math.round(TIMELINE_OFFSET_SECONDS * videoTrack.timescale());
                    // Duration 0: the store must work it out from the next frame.
                    video.add(new AccessUnit(1, packet.dts() + offset, packet.pts() + offset, 0, key, data));
                } else if (packet.stream_index() == audioIndex) {
                    long offset = Math.round(TIMELINE_OFFSET_SECONDS * audioTrack.timescale());
                    audio.add(new AccessUnit(2, packet.dts() + offset, packet.pts() + offset, 0, true, data));
                }
            }
            grabber.stop();
            return new Demuxed(videoTrack, audioTrack, video, audio);
        }
    }

    // ---- publishing through the hub ----

    private static void publish(StreamHub hub, Demuxed media) throws Exception {
        try (StreamPublisher source = hub.publish(StreamPath.source("cam"));
             StreamPublisher video = hub.publish(StreamPath.rendition("cam", "source"));
             StreamPublisher audio = hub.publish(StreamPath.rendition("cam", "audio"))) {
            source.tracks(List.of(media.videoTrack, media.audioTrack));
            video.tracks(List.of(media.videoTrack));
            audio.tracks(List.of(media.audioTrack));
            for (AccessUnit unit : media.video) {
                source.send(unit);
                video.send(unit);
            }
            for (AccessUnit unit : media.audio) {
                source.send(unit);
                audio.send(unit);
            }
        }
    }

    private static void awaitEnded(SegmentStore store, String rendition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var snapshot = store.find(StreamPath.rendition("cam", rendition));
            if (snapshot.isPresent() && snapshot.get().ended()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("rendition " + rendition + " did not end");
    }

    // ---- fetching from the origin ----

    private static final Pattern SEGMENT_URI = Pattern.compile("^(seg\\d+\\.m4s)$", Pattern.MULTILINE);

    /** Writes the rendition's playlist, init and segments under {@code out/rendition}; returns init + segments concatenated. */
    private static Path fetchRendition(MediaOrigin origin, String rendition, Path out) throws Exception {
        Path renditionDir = out.resolve(rendition);
        String playlist = fetchText(origin, OriginRequest.of("cam", rendition, "index.m3u8"),
                renditionDir.resolve("index.m3u8"));
        assertTrue(playlist.contains("#EXT-X-ENDLIST"), playlist);
        assertTrue(playlist.contains("#EXT-X-MAP:URI=\"init0.mp4\""), playlist);
        Path joined = out.resolve(rendition + "-joined.mp4");
        try (OutputStream joinedOut = Files.newOutputStream(joined)) {
            joinedOut.write(fetchBytes(origin, OriginRequest.of("cam", rendition, "init0.mp4"), OriginResponse.MP4,
                    renditionDir.resolve("init0.mp4")));
            Matcher segments = SEGMENT_URI.matcher(playlist);
            int count = 0;
            while (segments.find()) {
                String name = segments.group(1);
                joinedOut.write(fetchBytes(origin, OriginRequest.of("cam", rendition, name), OriginResponse.M4S,
                        renditionDir.resolve(name)));
                count++;
            }
            // Audio may end with a sliver of a segment: AAC priming starts it 1024 samples early.
            assertTrue(count == SECONDS / 2 || (rendition.equals("audio") && count == SECONDS / 2 + 1),
                    count + " segments of " + rendition + " in\n" + playlist);
        }
        return joined;
    }

    private static String fetchText(MediaOrigin origin, OriginRequest request, Path file) throws Exception {
        OriginResponse response = origin.render(request).toCompletableFuture().get();
        try {
            assertEquals(200, response.status(), request.cacheKey());
            assertEquals(OriginResponse.M3U8, response.contentType());
            assertEquals(CacheKind.VOD_MANIFEST, response.cacheKind(), "ended stream");
            String text = response.body().toString(StandardCharsets.UTF_8);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return text;
        } finally {
            response.release();
        }
    }

    private static byte[] fetchBytes(MediaOrigin origin, OriginRequest request, String contentType, Path file)
            throws Exception {
        OriginResponse response = origin.render(request).toCompletableFuture().get();
        try {
            assertEquals(200, response.status(), request.cacheKey());
            assertEquals(contentType, response.contentType());
            assertEquals(CacheKind.IMMUTABLE_MEDIA, response.cacheKind());
            byte[] bytes = ByteBufUtil.getBytes(response.body());
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return bytes;
        } finally {
            response.release();
        }
    }

    // ---- decoding with FFmpeg ----

    private static List<Long> decodeVideo(Path file) throws IOException {
        List<Long> timestamps = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            assertEquals(WIDTH, grabber.getImageWidth());
            assertEquals(HEIGHT, grabber.getImageHeight());
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                timestamps.add(frame.timestamp);
            }
            grabber.stop();
        }
        return timestamps;
    }

    private static List<Long> decodeAudio(Path file) throws IOException {
        List<Long> timestamps = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            assertEquals(SAMPLE_RATE, grabber.getSampleRate());
            assertEquals(CHANNELS, grabber.getAudioChannels());
            Frame frame;
            while ((frame = grabber.grabSamples()) != null) {
                timestamps.add(frame.timestamp);
            }
            grabber.stop();
        }
        return timestamps;
    }

    private static void assertSteps(List<Long> timestamps, double stepMicros, String what) {
        for (int i = 1; i < timestamps.size(); i++) {
            long step = timestamps.get(i) - timestamps.get(i - 1);
            assertTrue(Math.abs(step - stepMicros) <= 1000,
                    what + " frame " + i + " advances by " + step + " µs instead of " + stepMicros);
        }
    }

    /** FFmpeg's HLS demuxer reads the multivariant playlist and finds both renditions. */
    private static void assertPlayableThroughHlsDemuxer(Path multivariant) throws IOException {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(multivariant.toFile())) {
            grabber.start();
            assertEquals(WIDTH, grabber.getImageWidth());
            assertTrue(grabber.hasAudio(), "audio rendition found");
            int images = 0;
            Frame frame;
            while ((frame = grabber.grab()) != null) {
                if (frame.image != null) {
                    images++;
                }
            }
            assertTrue(Math.abs(images - VIDEO_FRAMES) <= 1, "frames through the HLS demuxer: " + images);
            grabber.stop();
        }
    }
}
