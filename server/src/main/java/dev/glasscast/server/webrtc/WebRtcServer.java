package dev.glasscast.server.webrtc;

import dev.glasscast.config.WebRtcConfig;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.ingest.dtls.DtlsCertificate;
import dev.glasscast.ingest.sdp.SdpAnswerBuilder;
import dev.glasscast.ingest.sdp.SdpCodecSelector;
import dev.glasscast.ingest.sdp.SdpParser;
import dev.glasscast.ingest.stun.StunMessageDecoder;
import dev.glasscast.ingest.stun.StunMessageEncoder;
import dev.glasscast.media.StreamHub;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The WebRTC endpoint as the daemon runs it when {@code webrtc.enabled}: the sessions, the UDP
 * port, the WHEP and WHIP resources over them, and each session's DTLS-SRTP transport (fed from
 * the hub's renditions for a viewer, publishing into the hub for a WHIP publisher), wired together. One DTLS certificate serves the daemon's life (its fingerprint is
 * in every answer), valid for a year as browsers' own are.
 *
 * <p>Lifecycle: construct, {@link #start()} (binds the port, returns it; the WHEP endpoint exists
 * from then on), {@link #close()} (ends every session). The event loop group is the caller's.
 */
public final class WebRtcServer implements AutoCloseable {

    /** How often the UDP port's event loop looks for sessions whose consent expired. */
    public static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    /** How long the DTLS certificate claims validity: longer than any daemon runs between restarts. */
    static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);

    private final WebRtcConfig config;
    private final String publicUrl;
    private final Supplier<String> lanAddress;
    private final Predicate<String> streamLive;
    private final DtlsCertificate certificate;
    private final WebRtcOpusFeeds opusFeeds;
    private final WebRtcTransportFactory transports;
    private final WebRtcSessions sessions;
    private final WebRtcUdpListener listener;
    private final PublishAuthorizer authorizer;
    private final StreamHub hub;
    private final ScheduledExecutorService timer;
    private WhepEndpoint whep;
    private WhipEndpoint whip;
    private List<InetSocketAddress> candidates = List.of();

    /**
     * @param publicUrl    {@code server.public_url}, or null
     * @param lanAddress   this machine's LAN address, for the host candidate when nothing is configured
     * @param streamLive   whether a stream is being published
     * @param hub          the renditions sessions play
     * @param keyFrames    asks a rendition's encoder for a key frame when a viewer lost its picture
     * @param authorizer   checks a WHIP publisher's stream key, as RTMP's and SRT's are checked
     * @param group        the UDP port's event loop, and the sender reports' timer
     */
    public WebRtcServer(WebRtcConfig config, String publicUrl, Supplier<String> lanAddress, Predicate<String> streamLive,
                        StreamHub hub, WebRtcKeyFrames keyFrames, PublishAuthorizer authorizer, EventLoopGroup group) {
        this.authorizer = authorizer;
        this.hub = hub;
        this.timer = group;
        this.config = config;
        this.publicUrl = publicUrl;
        this.lanAddress = lanAddress;
        this.streamLive = streamLive;
        SecureRandom random = new SecureRandom();
        this.certificate = DtlsCertificate.generate(random, CERTIFICATE_VALIDITY);
        this.opusFeeds = new WebRtcOpusFeeds(hub);
        WebRtcRenditionFeeds renditions = new WebRtcRenditionFeeds(hub, opusFeeds);
        this.transports = (stream, answer, out) -> new WebRtcPeerTransport(stream, answer, certificate, out, renditions,
                keyFrames, group, random, System::nanoTime);
        this.sessions = new WebRtcSessions(config.maxSessions(), WebRtcSessions.CONSENT_TIMEOUT);
        this.listener = new WebRtcUdpListener(config.bind(), config.udpPort(), sessions, new StunMessageDecoder(), group,
                SWEEP_INTERVAL, System::nanoTime);
    }

    /** Binds the UDP port and makes the WHEP endpoint; returns the port. */
    public synchronized int start() throws InterruptedException {
        int port = listener.start();
        candidates = WebRtcHostCandidates.announced(config, publicUrl, lanAddress, port);
        WebRtcSignalling signalling = new WebRtcSignalling(sessions, certificate.fingerprint(), candidates, new SdpParser(),
                new SdpAnswerBuilder(new SdpCodecSelector()), new StunMessageDecoder(), new StunMessageEncoder(),
                new SecureRandom(), System::nanoTime);
        whep = new WhepEndpoint(signalling, streamLive, transports, listener);
        whip = new WhipEndpoint(signalling, authorizer, hub, (stream, answer, publisher) ->
                new WebRtcIngestTransport(stream, answer, certificate, listener, publisher, timer, System::nanoTime));
        return port;
    }

    /** The WHIP resources; null before {@link #start()}. */
    public synchronized WhipEndpoint whip() {
        return whip;
    }

    /** The WHEP resources; null before {@link #start()}. */
    public synchronized WhepEndpoint whep() {
        return whep;
    }

    public int port() {
        return listener.port();
    }

    /** The host candidates every answer announces. */
    public synchronized List<InetSocketAddress> candidates() {
        return candidates;
    }

    /**
     * The WebRTC meters in {@code /metrics}: sessions (and those sending media), streams
     * transcoded to Opus, and the UDP port's STUN and expiry counts.
     */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("glasscast.webrtc.sessions", sessions, WebRtcSessions::size)
                .description("WebRTC sessions (WHEP viewers) now").register(registry);
        Gauge.builder("glasscast.webrtc.sessions.sending", sessions, WebRtcServer::sending)
                .description("WebRTC sessions whose DTLS-SRTP is up and media flows").register(registry);
        Gauge.builder("glasscast.webrtc.opus.transcodes", opusFeeds, WebRtcOpusFeeds::running)
                .description("streams whose sound is transcoded to Opus for WebRTC viewers now").register(registry);
        WebRtcUdpCounters udp = listener.counters();
        FunctionCounter.builder("glasscast.webrtc.stun.answered", udp, WebRtcUdpCounters::stunAnswered)
                .description("STUN connectivity checks answered").register(registry);
        FunctionCounter.builder("glasscast.webrtc.stun.refused", udp, WebRtcUdpCounters::stunRefused)
                .description("STUN checks refused (wrong credentials, missing attributes)").register(registry);
        FunctionCounter.builder("glasscast.webrtc.sessions.expired", udp, WebRtcUdpCounters::sessionsExpired)
                .description("sessions ended because their STUN consent stopped (a viewer gone without DELETE)")
                .register(registry);
    }

    private static double sending(WebRtcSessions sessions) {
        return sessions.all().stream().filter(session -> session.transport() instanceof WebRtcPeerTransport peer
                && peer.state() == WebRtcPeerTransport.State.SENDING).count();
    }

    /** The streams whose sound is being transcoded to Opus for their viewers. */
    public WebRtcOpusFeeds opusFeeds() {
        return opusFeeds;
    }

    public WebRtcSessions sessions() {
        return sessions;
    }

    public WebRtcUdpCounters counters() {
        return listener.counters();
    }

    @Override
    public void close() {
        listener.close();
    }
}
