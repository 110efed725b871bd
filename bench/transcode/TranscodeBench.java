import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import dev.glasscast.config.AudioConfig;
import dev.glasscast.config.RungConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.transcode.LadderTranscoder;
import dev.glasscast.transcode.TranscodeLimits;
import dev.glasscast.transcode.TranscodeSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * Benchmark, not a test: pushes a clip through GlassCast's LadderTranscoder as fast as it will
 * go (no frame dropped: Overload.WAIT) with the default-ish ladder 720p/480p/360p + AAC, and
 * prints throughput, real-time factor, CPU time and memory. Run by run.sh, which runs the
 * ffmpeg CLI on the same clip with the same settings right after.
 *
 * Usage: java -cp CLASSPATH TranscodeBench.java clip.mp4
 */
public class TranscodeBench {

    static RungConfig rung(String name, int width, int height, long bitrate, String profile, String level) {
        return new RungConfig(name, "h264", width, height, bitrate, bitrate * 11 / 10, bitrate * 2, 0, "veryfast",
                profile, level, 128_000);
    }

    /** Kept in step with run.sh's ffmpeg command. */
    static final List<RungConfig> LADDER = List.of(
            rung("720p", 0, 720, 3_000_000, "high", "3.1"),
            rung("480p", 0, 480, 1_400_000, "main", "3.1"),
            rung("360p", 640, 360, 800_000, "main", "3.0"));

    public static void main(String[] args) throws Exception {
        Path clipFile = Path.of(args[0]);
        long loadStart = System.nanoTime();
        Clip clip = Clip.read(clipFile);
        System.out.printf("clip: %s, %d video + %d audio units, %.1f s, %dx%d, read in %.1f s%n", clipFile,
                clip.videoUnits, clip.units.size() - clip.videoUnits, clip.seconds, clip.video.width(), clip.video.height(),
                (System.nanoTime() - loadStart) / 1e9);

        System.gc();
        long rssBefore = rssKiB("VmRSS");
        StreamHub hub = new StreamHub(1_000_000, Clock.systemUTC());
        Map<String, AtomicLong> unitsOut = new ConcurrentHashMap<>();
        CountDownLatch ended = new CountDownLatch(LADDER.size() + 1);
        hub.addListener((LiveStream stream) -> {
            if (stream.path().isSource()) {
                return null;
            }
            AtomicLong count = unitsOut.computeIfAbsent(stream.path().rendition(), k -> new AtomicLong());
            return new StreamReader() {
                public void onTracks(List<TrackInfo> tracks) {
                }

                public void onAccessUnit(AccessUnit unit) {
                    count.incrementAndGet();
                }

                public void onUnpublished() {
                    ended.countDown();
                }
            };
        });
        TranscodeLimits limits = TranscodeLimits.defaults().withOverload(TranscodeLimits.Overload.WAIT);
        hub.addListener(new LadderTranscoder(hub,
                () -> new TranscodeSettings(LADDER, new AudioConfig("aac", 128_000), Duration.ofSeconds(2)), limits));

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        try (StreamPublisher source = hub.publish(StreamPath.source("bench"))) {
            source.tracks(List.of(clip.video, clip.audio));
            for (AccessUnit unit : clip.units) {
                source.send(unit);
            }
        }
        if (!ended.await(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("renditions did not end");
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        long rssPeak = rssKiB("VmHWM");
        System.out.printf("glasscast: wall %.2f s, cpu %.2f s, %.1f fps, real-time factor %.2fx%n", wall, cpu,
                clip.videoUnits / wall, clip.seconds / wall);
        System.out.printf("glasscast: rss before %d MiB (JVM + clip in memory), peak %d MiB, peak-before %d MiB,"
                + " per rung %.0f MiB%n", rssBefore / 1024, rssPeak / 1024, (rssPeak - rssBefore) / 1024,
                (rssPeak - rssBefore) / 1024.0 / LADDER.size());
        System.out.println("glasscast: units out " + new java.util.TreeMap<>(unitsOut));
        System.out.printf("RESULT glasscast wall=%.3f cpu=%.3f frames=%d seconds=%.3f rssDeltaKiB=%d%n", wall, cpu,
                clip.videoUnits, clip.seconds, rssPeak - rssBefore);
        System.exit(0);
    }

    static long rssKiB(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    record Clip(TrackInfo video, TrackInfo audio, List<AccessUnit> units, int videoUnits, double seconds) {
        static Clip read(Path file) throws Exception {
            try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
                grabber.start();
                AVFormatContext format = grabber.getFormatContext();
                TrackInfo video = null;
                TrackInfo audio = null;
                int videoIndex = -1;
                int audioIndex = -1;
                for (int i = 0; i < format.nb_streams(); i++) {
                    AVStream stream = format.streams(i);
                    AVCodecParameters p = stream.codecpar();
                    byte[] config = new byte[p.extradata_size()];
                    p.extradata().get(config);
                    int timescale = stream.time_base().den();
                    if (p.codec_type() == AVMEDIA_TYPE_VIDEO) {
                        videoIndex = i;
                        video = TrackInfo.video(1, Codec.H264, timescale, p.width(), p.height(), grabber.getFrameRate(),
                                p.bit_rate(), config);
                    } else if (p.codec_type() == AVMEDIA_TYPE_AUDIO) {
                        audioIndex = i;
                        audio = TrackInfo.audio(2, Codec.AAC, timescale, p.sample_rate(), p.ch_layout().nb_channels(),
                                p.bit_rate(), config);
                    }
                }
                record Timed(double seconds, AccessUnit unit) {
                }
                List<Timed> timed = new ArrayList<>();
                AVPacket packet;
                int videoUnits = 0;
                double last = 0;
                while ((packet = grabber.grabPacket()) != null) {
                    boolean isVideo = packet.stream_index() == videoIndex;
                    if (!isVideo && packet.stream_index() != audioIndex) {
                        continue;
                    }
                    byte[] data = new byte[packet.size()];
                    packet.data().get(data);
                    TrackInfo track = isVideo ? video : audio;
                    AccessUnit unit = new AccessUnit(track.trackId(), packet.dts(), packet.pts(),
                            Math.max(0, packet.duration()), !isVideo || (packet.flags() & AV_PKT_FLAG_KEY) != 0, data);
                    double at = (double) packet.dts() / track.timescale();
                    timed.add(new Timed(at, unit));
                    if (isVideo) {
                        videoUnits++;
                        last = Math.max(last, (double) (packet.pts() + packet.duration()) / track.timescale());
                    }
                }
                timed.sort(Comparator.comparingDouble(Timed::seconds));
                return new Clip(video, audio, timed.stream().map(Timed::unit).toList(), videoUnits, last);
            }
        }
    }
}
