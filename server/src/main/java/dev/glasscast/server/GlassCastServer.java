package dev.glasscast.server;

import dev.glasscast.config.GlassCastConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.edge.EdgeCache;
import dev.glasscast.edge.EdgeCacheMetrics;
import dev.glasscast.edge.EdgeCacheSettings;
import dev.glasscast.edge.HttpCacheSemantics;
import dev.glasscast.ingest.auth.AuthFailureLimiter;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.ingest.rtmp.RtmpServer;
import dev.glasscast.ingest.rtmp.RtmpServerLimits;
import dev.glasscast.ingest.srt.SrtListener;
import dev.glasscast.ingest.srt.SrtSessionStats;
import dev.glasscast.media.LatencyProbe;
import dev.glasscast.media.StreamHub;
import dev.glasscast.server.webrtc.WebRtcServer;
import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.DiskReads;
import dev.glasscast.packager.PackagerOrigin;
import dev.glasscast.packager.cmaf.CmafObjectOrigin;
import dev.glasscast.packager.dash.DashOrigin;
import dev.glasscast.packager.hls.HlsOrigin;
import dev.glasscast.packager.recording.RecordingArchive;
import dev.glasscast.packager.window.AlignedLiveEdges;
import dev.glasscast.packager.window.FirstSequenceNumber;
import dev.glasscast.packager.window.RecordedSegmentFiles;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionRecorder;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentStore;
import dev.glasscast.packager.window.SegmentStoreLimits;
import dev.glasscast.packager.window.ServedRenditions;
import dev.glasscast.packager.window.SnapshotWaiters;
import dev.glasscast.server.api.AdminAuth;
import dev.glasscast.server.api.AdminRoutes;
import dev.glasscast.server.api.AdminTokenStore;
import dev.glasscast.server.api.PublicAddresses;
import dev.glasscast.server.api.StreamMonitor;
import dev.glasscast.server.dashboard.KeyFrameThumbnails;
import dev.glasscast.server.http.HttpServer;
import dev.glasscast.server.http.PlaybackTokens;
import dev.glasscast.server.http.WebContent;
import dev.glasscast.server.metrics.GlassCastMetrics;
import dev.glasscast.server.metrics.RecordingMetrics;
import dev.glasscast.server.playback.SrtRenditionFeeds;
import dev.glasscast.server.testsource.TestPatternSource;
import dev.glasscast.server.webhook.OnPublishWebhook;
import dev.glasscast.server.webhook.StreamEventsWebhook;
import dev.glasscast.server.webhook.WebhookClient;
import dev.glasscast.transcode.KeyFrameThumbnailer;
import dev.glasscast.transcode.LadderTranscoder;
import dev.glasscast.transcode.TranscodeLimits;
import dev.glasscast.transcode.TranscodeSettings;
import dev.glasscast.transcode.restream.Restreamer;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.BindException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's wiring and lifecycle: ingest → StreamHub → transcode → StreamHub → packager →
 * HTTP, plus the embedded test source. Starts in dependency order and closes in reverse.
 *
 * <p>One class over 400 lines on purpose: the order things start in and the reverse order they
 * close in are the point of it, and read as two lists only while they sit in one place; what
 * each part does lives in its own module.
 */
public final class GlassCastServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GlassCastServer.class);
    /** How often the dashboard's rates and graph points are measured. */
    private static final int MONITOR_INTERVAL_SECONDS = 2;
    /** How long an unpublished stream's playlists stay live, so a publisher that reconnects continues them. */
    static final Duration RECONNECT_GRACE = Duration.ofSeconds(10);
    /** The latency low-latency DASH players aim for (the MPD's ServiceDescription). */
    static final Duration DASH_LATENCY_TARGET = Duration.ofMillis(2000);

    private final GlassCastConfig config;
    private final LatencyProbe probe;
    /** The latest valid config; the ladder of newly published streams is taken from it. */
    private volatile GlassCastConfig current;
    private EdgeCache edge;
    private final List<AutoCloseable> started = new ArrayList<>();
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private StreamHub hub;
    private RtmpServer rtmp;
    private SrtListener srt;
    private int srtPort = -1;
    private WebRtcServer webrtc;
    private HttpServer http;
    private LadderTranscoder transcoder;
    private volatile Restreamer restreamer;
    private String adminToken;
    private volatile String lanHost;
    private StreamMonitor monitor;
    private GlassCastMetrics metrics;
    private PlaybackTokens playbackTokens;
    private final List<Consumer<RenditionSnapshot>> snapshotListeners = new CopyOnWriteArrayList<>();
    private RecordingArchive recordingArchive;
    /** Closed segments (of all renditions) that may wait for the recording writer: minutes of media. */
    static final int RECORDER_QUEUE_SEGMENTS = 512;
    static final int DISK_READ_THREADS = 4;

    /** How long the network threads wait for quiet (no new work) before closing connections. */
    static final long SHUTDOWN_QUIET_MILLIS = 300;
    /** The longest the network threads take to shut down. */
    static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

    /** @param config the configuration, with every stream key already resolved */
    public GlassCastServer(GlassCastConfig config) {
        this(config, LatencyProbe.OFF);
    }

    /**
     * @param probe marks each video frame at ingest, decode, encode, the segmenter and its part's
     *              cut ({@link LatencyProbeLog} for the latency benchmark); owned by the caller
     */
    public GlassCastServer(GlassCastConfig config, LatencyProbe probe) {
        this.config = config;
        this.current = config;
        this.probe = probe;
    }

    /**
     * Applies a reloaded configuration: the ladder and webhooks take effect for streams published
     * from now on; restream destinations added or removed in the file start or stop at once.
     * Listeners, ports and keys stay as they were started (a restart applies those).
     */
    public void reconfigure(GlassCastConfig reloaded) {
        current = reloaded;
        log.info("configuration reloaded: the new ladder ({} rungs) and webhooks apply to the next publish",
                reloaded.ladder().size());
        Restreamer running = restreamer;
        if (running != null) {
            running.reconfigure(reloaded.ingest().streams());
        }
    }

    public void start() throws Exception {
        try {
            acceptGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            ioGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
            started.add(() -> {
                acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
                // A short quiet period lets responses already being written finish.
                ioGroup.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                        .syncUninterruptibly();
            });

            hub = new StreamHub();
            WebhookClient webhooks = new WebhookClient(ioGroup);
            started.add(webhooks);
            // Settings are read at each use: a config reload changes the next call.
            StreamEventsWebhook events = new StreamEventsWebhook(() -> current.webhooks().events(), webhooks, hub,
                    Clock.systemUTC(), StreamEventsWebhook.FIRST_RETRY_DELAY);
            started.add(events);
            started.add(hub.addListener(events));
            SnapshotWaiters waiters = new SnapshotWaiters(ioGroup);
            // Closed after the store and the transcoder (the list closes in reverse), so the ends
            // of renditions stopped at shutdown are written: SIGTERM flushes recordings.
            // Without recording nothing grows: recordings already there are left alone.
            RecordingArchive recordings = new RecordingArchive(config.dataDir().resolve("recordings"),
                    RECORDER_QUEUE_SEGMENTS, Clock.systemUTC(),
                    config.packaging().record() ? config.packaging().recordingsMaxBytes() : 0,
                    SegmentStoreLimits.of(config.packaging()), events::recordingReady);
            started.add(recordings);
            recordingArchive = recordings;
            // Media on disk (DVR beyond memory, recordings) is read here, never on an event loop.
            ExecutorService diskReadThreads = Executors.newFixedThreadPool(DISK_READ_THREADS,
                    Thread.ofPlatform().name("disk-read-", 0).daemon().factory());
            started.add(diskReadThreads::shutdownNow);
            SegmentStore liveStore = new SegmentStore(SegmentStoreLimits.of(config.packaging()),
                    PooledByteBufAllocator.DEFAULT, Clock.systemUTC(), SegmentStore.DEFAULT_ENDED_RETENTION,
                    FirstSequenceNumber.EPOCH_SECONDS, snapshot -> {
                        waiters.published(snapshot);
                        snapshotListeners.forEach(listener -> listener.accept(snapshot));
                    },
                    config.packaging().record() ? recordings : RenditionRecorder.NONE, probe);
            SegmentStore store = liveStore;
            RenditionLookup served = new ServedRenditions(liveStore, recordings, Clock.systemUTC(), RECONNECT_GRACE);
            started.add(store);
            started.add(hub.addListener(store));
            ScheduledFuture<?> purge = ioGroup.scheduleAtFixedRate(store::purgeExpired, 10, 10, TimeUnit.SECONDS);
            started.add(() -> purge.cancel(false));
            transcoder = new LadderTranscoder(hub, () -> TranscodeSettings.from(current), TranscodeLimits.defaults(),
                    probe);
            started.add(hub.addListener(transcoder));
            restreamer = new Restreamer(hub, config.ingest().streams(), System::nanoTime);
            started.add(restreamer);
            started.add(hub.addListener(restreamer));
            // Closed after ingest (which unpublishes every source): drains the encoders and ends
            // the renditions, slate or not, so the packager finishes them.
            started.add(transcoder);

            DiskReads diskReads = new DiskReads(diskReadThreads);
            CmafObjectOrigin cmafObjects = new CmafObjectOrigin(served, waiters, PooledByteBufAllocator.DEFAULT,
                    diskReads, config.packaging().record() ? recordings : RecordedSegmentFiles.NONE);
            // Playlists list every rung up to where all have media, so a rung switch lands on media.
            HlsOrigin hls = new HlsOrigin(new AlignedLiveEdges(served), config.packaging().playlistSegments(),
                    config.packaging().partDuration(), waiters, Clock.systemUTC(), RECONNECT_GRACE, diskReads);
            DashOrigin dash = new DashOrigin(served, config.packaging().dvrWindow(),
                    config.packaging().segmentDuration(), "/time", DASH_LATENCY_TARGET,
                    config.packaging().segmentDuration().minus(config.packaging().partDuration()), Clock.systemUTC(),
                    RECONNECT_GRACE);
            EdgeCacheSettings cacheSettings = EdgeCacheSettings.from(config.cache(), config.packaging());
            edge = new EdgeCache(new PackagerOrigin(hls, dash, cmafObjects), cacheSettings);
            started.add(edge);
            // A stream published again (source or rendition) must not be answered from its previous
            // session's cached playlists, which say ENDLIST and stay valid for a while.
            started.add(hub.addListener(stream -> {
                edge.invalidateStream(stream.path().stream());
                return null;
            }));
            HttpCacheSemantics semantics = HttpCacheSemantics.from(config.packaging(), cacheSettings, HttpCacheSemantics.ANY_ORIGIN);
            adminToken = new AdminTokenStore(config.dataDir(), new SecureRandom()).resolve(config.server().adminToken());
            playbackTokens = new PlaybackSecretStore(config.dataDir(), new SecureRandom()).tokensFor(config, Clock.systemUTC());
            AdminRoutes admin = startOperatorSide(cacheSettings);
            Optional<StreamConfig> testPatternKey = config.testSource().enabled()
                    ? Optional.of(standInKey(config.testSource().stream())) : Optional.empty();
            PublishAuthorizer authorizer = new PublishAuthorizer(config.ingest().streams(), testPatternKey.stream().toList(),
                    new AuthFailureLimiter(), new OnPublishWebhook(() -> current.webhooks().onPublish(), webhooks));
            if (config.webrtc().enabled()) {
                webrtc = startWebRtc(authorizer);
                if (webrtc != null) {
                    started.add(webrtc);
                }
            }
            http = new HttpServer(config.server(), edge, semantics, new WebContent(), homeStream(), admin, cmafObjects,
                    playbackTokens, webrtc, acceptGroup, ioGroup);
            http.start();
            started.add(http);

            if (config.ingest().rtmp().enabled()) {
                rtmp = new RtmpServer(config.ingest().rtmp(), authorizer, hub, RtmpServerLimits.defaults(), acceptGroup, ioGroup,
                        probe);
                rtmp.start();
                started.add(rtmp);
            }

            if (config.ingest().srt().enabled()) {
                srt = new SrtListener(config.ingest().srt(), authorizer, hub, ioGroup,
                        new SrtRenditionFeeds(hub, playbackTokens));
                srtPort = srt.start();
                started.add(srt);
            }

            testPatternKey.ifPresent(this::startTestSource);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The signer of playback links, for tests and tools that mint one. */
    public PlaybackTokens playbackTokens() {
        return playbackTokens;
    }

    /** The dashboard's and API's parts: stream monitor, thumbnails, metrics, and their routes. */
    private AdminRoutes startOperatorSide(EdgeCacheSettings cacheSettings) {
        StreamMonitor.Sources sources = new StreamMonitor.Sources(hub, transcoder::status, this::srtSessions,
                edge::segmentRequestsPerSecond, () -> edge.stats().hitRatio(), transcoder::autoLadders,
                restreamer::statuses);
        monitor = new StreamMonitor(config, this::addresses, sources, System::nanoTime, Clock.systemUTC());
        ScheduledFuture<?> sampling = ioGroup.next().scheduleAtFixedRate(() -> {
            try {
                monitor.sample();
            } catch (RuntimeException e) {
                log.warn("sampling stream statistics failed", e);
            }
        }, MONITOR_INTERVAL_SECONDS, MONITOR_INTERVAL_SECONDS, TimeUnit.SECONDS);
        started.add(() -> sampling.cancel(false));
        KeyFrameThumbnails thumbnails = new KeyFrameThumbnails(new KeyFrameThumbnailer(KeyFrameThumbnails.MAX_WIDTH),
                System::nanoTime);
        started.add(thumbnails);
        started.add(hub.addListener(thumbnails));
        metrics = new GlassCastMetrics(hub, new EdgeCacheMetrics(edge, cacheSettings.maxBytes()), transcoder::status,
                restreamer::statuses);
        started.add(metrics);
        new RecordingMetrics(recordingArchive).bindTo(metrics.registry());
        started.add(hub.addListener(metrics));
        return new AdminRoutes(new AdminAuth(adminToken), config, hub, monitor, thumbnails, metrics, this::addresses,
                playbackTokens, restreamer, () -> current.ladder());
    }

    private List<SrtSessionStats> srtSessions() {
        return srt == null ? List.of() : srt.sessions();
    }

    /** Where viewers and OBS reach this daemon: {@code server.public_url} or the LAN address. */
    public PublicAddresses addresses() {
        String host = lanHost;
        if (host == null) {
            // Walks every network interface: done once, not on every API call.
            host = NetworkAddresses.lanAddress();
            lanHost = host;
        }
        return PublicAddresses.of(config, host, httpPort(), rtmpPort(), srtPort);
    }

    /** The token of the dashboard, API and metrics: configured, or generated and kept in the data directory. */
    public String adminToken() {
        return adminToken;
    }

    /** Every configured restream destination and how it is doing. */
    public Restreamer restreamer() {
        return restreamer;
    }

    /** The ladder transcoder, for its per-rung status. */
    public LadderTranscoder transcoder() {
        return transcoder;
    }

    /** The recordings, e.g. for their written and dropped segment counts. */
    public RecordingArchive recordings() {
        return recordingArchive;
    }

    public StreamMonitor monitor() {
        return monitor;
    }

    /**
     * The test pattern publishes with a key of its own, made afresh at each start and never shown,
     * which makes it a stand-in: a publisher with the stream's real key (OBS, set up from what
     * start-up prints) takes the stream over instead of being refused.
     */
    private StreamConfig standInKey(String stream) {
        if (config.ingest().stream(stream).isEmpty()) {
            throw new IllegalStateException("test_source.stream " + stream + " is not among ingest.streams");
        }
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return new StreamConfig(stream, "test-pattern-" + HexFormat.of().formatHex(key));
    }

    private void startTestSource(StreamConfig standIn) {
        if (rtmp == null) {
            log.warn("test source: RTMP ingest is disabled, so the test source cannot publish");
            return;
        }
        StreamPath path = StreamPath.source(standIn.name());
        TestPatternSource source = new TestPatternSource(config.testSource(),
                "rtmp://127.0.0.1:" + rtmp.port() + "/live/" + standIn.key(),
                () -> hub.find(path).filter(stream -> !stream.standIn()).isPresent());
        source.start();
        started.add(source);
    }

    private String homeStream() {
        return config.testSource().enabled() ? config.testSource().stream() : config.ingest().streams().get(0).name();
    }

    public GlassCastConfig config() {
        return config;
    }

    public StreamHub hub() {
        return hub;
    }

    /** The edge cache in front of the packager, for its statistics. */
    public EdgeCache edgeCache() {
        return edge;
    }

    /**
     * Tells {@code listener} of every snapshot the live segment store publishes (a part or
     * segment cut, a rendition ended), at the instant blocked playlist requests are released.
     * It runs on the publishing thread with the rendition's lock held: it may only record.
     * For tests and instrumentation; closing the returned handle removes it.
     */
    public AutoCloseable addSnapshotListener(Consumer<RenditionSnapshot> listener) {
        snapshotListeners.add(listener);
        return () -> snapshotListeners.remove(listener);
    }

    public int httpPort() {
        return http.port();
    }

    /** The HTTPS port, or -1 when TLS is off. */
    public int httpsPort() {
        return http.tlsPort();
    }

    public int rtmpPort() {
        return rtmp == null ? -1 : rtmp.port();
    }

    public int srtPort() {
        return srtPort;
    }

    /**
     * The WebRTC endpoint on its UDP port, or null when the port cannot be bound (another daemon
     * has it, say): WebRTC is one output among several, so the daemon runs on without it and
     * says why, and WHEP and WHIP answer as when it is off.
     */
    private WebRtcServer startWebRtc(PublishAuthorizer authorizer) throws InterruptedException {
        WebRtcServer server = new WebRtcServer(config.webrtc(), config.server().publicUrl(), NetworkAddresses::lanAddress,
                stream -> hub.isLive(StreamPath.source(stream)), hub, transcoder::requestKeyFrame, authorizer, ioGroup);
        try {
            server.start();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty's sync() rethrows the BindException undeclared
            server.close();
            if (!(e instanceof BindException)) {
                throw e; // anything else is a fault, not a taken port: start-up fails on it as before
            }
            log.error("WebRTC is off: UDP {}:{} cannot be bound ({}); set webrtc.udp_port to a free port, or "
                    + "webrtc.enabled: false", config.webrtc().bind(), config.webrtc().udpPort(), e.getMessage());
            return null;
        }
        server.bindTo(metrics.registry());
        return server;
    }

    /** The WebRTC endpoint (UDP port, sessions); null when {@code webrtc.enabled} is false or its port was taken. */
    public WebRtcServer webrtc() {
        return webrtc;
    }

    /** The SRT listener, for its per-connection statistics; null when SRT is disabled. */
    public SrtListener srt() {
        return srt;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed", started.get(i), e);
            }
        }
        started.clear();
    }
}
