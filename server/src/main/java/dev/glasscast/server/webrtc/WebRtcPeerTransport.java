package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.dtls.DtlsCertificate;
import dev.glasscast.ingest.dtls.DtlsRole;
import dev.glasscast.ingest.dtls.DtlsSrtpKeys;
import dev.glasscast.ingest.rtcp.RtcpFormatException;
import dev.glasscast.ingest.rtcp.RtcpFullIntraRequest;
import dev.glasscast.ingest.rtcp.RtcpGenericNack;
import dev.glasscast.ingest.rtcp.RtcpNtpTime;
import dev.glasscast.ingest.rtcp.RtcpPacket;
import dev.glasscast.ingest.rtcp.RtcpPacketDecoder;
import dev.glasscast.ingest.rtcp.RtcpPictureLossIndication;
import dev.glasscast.ingest.rtcp.RtcpReceiverReport;
import dev.glasscast.ingest.rtcp.RtcpRemb;
import dev.glasscast.ingest.rtp.RtpOpusPacketizer;
import dev.glasscast.ingest.sdp.SdpAnswer;
import dev.glasscast.ingest.srtp.SrtpContext;
import dev.glasscast.ingest.srtp.SrtpResult;
import dev.glasscast.ingest.stun.StunDemultiplexer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DTLS-SRTP transport of one WHEP session: the DTLS handshake as the passive (server) side
 * our answer announced ({@link WebRtcDtlsHandshake}), then the session's rung sent as SRTP
 * ({@link WebRtcVideoSender}) with the stream's sound as Opus (both fed by
 * {@link WebRtcRungFeeds}, which also moves the viewer between rungs), NACKs answered from the
 * packet history, PLI and FIR counted (the rendition's next key frame answers them), REMB and
 * receiver reports passed on to the rung adaptation, and a sender report per stream every
 * second, both from one media clock ({@link WebRtcMediaClock}).
 *
 * <p>Threads: datagrams arrive on the UDP port's event loop and are handled without blocking
 * (the handshake runs on the endpoint's own virtual thread); media arrives on the hub reader's
 * thread; reports run on {@code timer}.
 *
 * <p>Buffer ownership: each datagram is released here (the handshake copies what it keeps).
 */
public final class WebRtcPeerTransport implements WebRtcTransport {

    private static final Logger log = LoggerFactory.getLogger(WebRtcPeerTransport.class);

    /** How often a sender report goes out: what browsers' lip sync and RTT estimates need. */
    static final long REPORT_INTERVAL_MILLIS = 1_000;
    /** SSRCs each SRTP direction may carry: our audio and video, the viewer's RTCP sender SSRCs. */
    static final int MAX_SSRCS = 8;

    /** Where the session's media path is. */
    public enum State {
        /** Answered; the viewer's first DTLS flight has not come. */
        AWAITING_DTLS,
        /** The DTLS handshake runs. */
        HANDSHAKING,
        /** Keys agreed: the rendition goes out as SRTP. */
        SENDING,
        /** The handshake failed or nothing can be sent; the session waits for DELETE or expiry. */
        FAILED,
        /** Closed with the session. */
        CLOSED
    }

    private final String stream;
    private final SdpAnswer answer;
    private final WebRtcDatagramSender out;
    private final WebRtcMediaSource media;
    private final WebRtcKeyFrames keyFrames;
    private final ScheduledExecutorService timer;
    private final SecureRandom random;
    private final LongSupplier nanoTime;
    private final RtcpPacketDecoder rtcpDecoder = new RtcpPacketDecoder();
    private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_DTLS);

    private volatile InetSocketAddress remote;
    private volatile SrtpContext srtcpIn;
    private volatile WebRtcVideoSender video;
    private volatile WebRtcRtpSender audio;
    private final WebRtcMediaClock clock = new WebRtcMediaClock();
    private final WebRtcDtlsHandshake dtls;
    private final WebRtcRungFeeds rungs;
    private ScheduledFuture<?> reports;

    /**
     * @param stream      the stream the session plays
     * @param answer      what the session negotiated
     * @param certificate ours, whose fingerprint the answer carried
     * @param out         the UDP port's sender
     * @param media       the stream's renditions
     * @param keyFrames   asks the rendition's encoder for a key frame at a PLI or FIR
     * @param timer       runs the sender reports; never blocked by them
     */
    public WebRtcPeerTransport(String stream, SdpAnswer answer, DtlsCertificate certificate, WebRtcDatagramSender out,
                               WebRtcMediaSource media, WebRtcKeyFrames keyFrames, ScheduledExecutorService timer,
                               SecureRandom random, LongSupplier nanoTime) {
        this.stream = stream;
        this.answer = answer;
        this.out = out;
        this.media = media;
        this.keyFrames = keyFrames;
        this.timer = timer;
        this.random = random;
        this.nanoTime = nanoTime;
        this.dtls = new WebRtcDtlsHandshake(certificate, answer.remoteFingerprint(), out, () -> remote);
        this.rungs = new WebRtcRungFeeds(stream, () -> remote, media, clock, timer, nanoTime, this::fail);
        dtls.keys().whenComplete(this::keysAgreed);
    }

    public State state() {
        return state.get();
    }

    /** What the video sender has sent, if keys were agreed. */
    Optional<WebRtcVideoSender.Stats> videoStats() {
        WebRtcVideoSender current = video;
        return current == null ? Optional.empty() : Optional.of(current.stats());
    }

    @Override
    public void datagram(StunDemultiplexer.PacketKind kind, ByteBuf datagram, InetSocketAddress sender) {
        try {
            remote = sender;
            switch (kind) {
                case DTLS -> dtls(datagram);
                case RTCP -> rtcp(datagram);
                default -> {
                    // A WHEP viewer sends no media; RTP from it is ignored.
                }
            }
        } finally {
            datagram.release();
        }
    }

    private void dtls(ByteBuf datagram) {
        state.compareAndSet(State.AWAITING_DTLS, State.HANDSHAKING);
        dtls.offer(datagram);
    }

    /** On the handshake's thread once it ended: start sending, or say why not. */
    private void keysAgreed(DtlsSrtpKeys keys, Throwable failure) {
        if (failure != null) {
            if (state.compareAndSet(State.HANDSHAKING, State.FAILED)) {
                log.info("WebRTC session of {} from {}: the DTLS handshake failed: {}", stream, remote, failure.getMessage());
            }
            return;
        }
        Optional<SdpAnswer.Negotiated> videoSection = answer.media("video");
        if (videoSection.isEmpty()) {
            fail("the viewer took no video");
            return;
        }
        SdpAnswer.Negotiated section = videoSection.get();
        srtcpIn = keys.receiveContext(DtlsRole.SERVER, MAX_SSRCS);
        // One SRTP send context per SSRC: RFC 3711 keeps crypto state per stream.
        WebRtcVideoSender sender = new WebRtcVideoSender(stream, section.codec().payloadType(), (int) section.localSsrc(),
                keys.sendContext(DtlsRole.SERVER, MAX_SSRCS), out, () -> remote, random.nextInt(), random.nextInt(),
                section.absSendTimeId());
        WebRtcRtpSender sound = answer.media("audio")
                .map(a -> new WebRtcRtpSender(a.codec().payloadType(), (int) a.localSsrc(), RtpOpusPacketizer.CLOCK_RATE,
                        keys.sendContext(DtlsRole.SERVER, MAX_SSRCS), out, () -> remote, random.nextInt(), random.nextInt(), 0,
                        0))
                .orElse(null);
        synchronized (this) {
            if (!state.compareAndSet(State.HANDSHAKING, State.SENDING)) {
                return;
            }
            video = sender;
            audio = sound;
            reports = timer.scheduleAtFixedRate(this::report, REPORT_INTERVAL_MILLIS, REPORT_INTERVAL_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
        log.info("WebRTC session of {} from {}: DTLS-SRTP up ({})", stream, remote, keys.profile());
        List<String> renditions = media.videoRenditions(stream);
        if (renditions.isEmpty()) {
            fail("stream " + stream + " has no live H.264 rendition");
            return;
        }
        rungs.start(renditions, sender, sound);
    }

    private void fail(String why) {
        if (state.compareAndSet(State.HANDSHAKING, State.FAILED) || state.compareAndSet(State.SENDING, State.FAILED)) {
            log.info("WebRTC session of {} from {}: {}", stream, remote, why);
        }
    }

    private void rtcp(ByteBuf datagram) {
        SrtpContext in = srtcpIn;
        WebRtcVideoSender sender = video;
        if (in == null || sender == null) {
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(datagram);
        if (!(in.unprotectRtcp(bytes, 0, bytes.length) instanceof SrtpResult.Packet(byte[] plain))) {
            return; // forged, replayed or corrupted: nothing to act on
        }
        List<RtcpPacket> packets;
        try {
            packets = rtcpDecoder.decode(Unpooled.wrappedBuffer(plain));
        } catch (RtcpFormatException e) {
            return; // authenticated but malformed: the viewer's stack is broken, and nothing to act on
        }
        for (RtcpPacket packet : packets) {
            switch (packet) {
                case RtcpGenericNack nack -> sender.retransmit(nack.lostSequences());
                case RtcpPictureLossIndication pli -> pictureLost(sender);
                case RtcpFullIntraRequest fir -> pictureLost(sender);
                case RtcpRemb remb -> rungs.estimate(remb.bitrate());
                case RtcpReceiverReport report -> report.reports().stream()
                        .filter(block -> block.ssrc() == sender.ssrc())
                        .forEach(block -> rungs.loss(block.fractionLost()));
                default -> {
                    // Sender reports and the rest: nothing to act on.
                }
            }
        }
    }

    /** The viewer's decoder lost its reference: the rendition's encoder makes a key frame soon. */
    private void pictureLost(WebRtcVideoSender sender) {
        sender.pictureLost();
        String current = rungs.sending();
        if (current != null) {
            keyFrames.request(stream, current);
        }
    }

    private void report() {
        if (state.get() != State.SENDING || !clock.anchored()) {
            return;
        }
        double mediaSeconds = clock.mediaSecondsAt(nanoTime.getAsLong());
        long ntp = RtcpNtpTime.fromEpochMillis(System.currentTimeMillis());
        WebRtcVideoSender videoSender = video;
        WebRtcRtpSender audioSender = audio;
        if (videoSender != null) {
            videoSender.report(mediaSeconds, ntp);
        }
        if (audioSender != null) {
            audioSender.report(mediaSeconds, ntp);
        }
        rungs.tick();
    }

    @Override
    public void close() {
        ScheduledFuture<?> timerTask;
        synchronized (this) {
            if (state.getAndSet(State.CLOSED) == State.CLOSED) {
                return;
            }
            timerTask = reports;
        }
        if (timerTask != null) {
            timerTask.cancel(false);
        }
        rungs.close();
        dtls.close();
    }

    /** The rendition being sent, if any: what a PLI asks a key frame of. */
    public Optional<String> rendition() {
        return Optional.ofNullable(rungs.sending());
    }

    /** How many times the session moved to another rung. */
    public long rungSwitches() {
        return rungs.switches();
    }
}
