package dev.glasscast.server.webrtc;

import dev.glasscast.ingest.dtls.DtlsCertificate;
import dev.glasscast.ingest.dtls.DtlsRole;
import dev.glasscast.ingest.dtls.DtlsSrtpKeys;
import dev.glasscast.ingest.rtcp.RtcpPacketEncoder;
import dev.glasscast.ingest.rtcp.RtcpPictureLossIndication;
import dev.glasscast.ingest.rtp.RtpFormatException;
import dev.glasscast.ingest.rtp.RtpH264AccessUnit;
import dev.glasscast.ingest.rtp.RtpH264Depacketizer;
import dev.glasscast.ingest.rtp.RtpOpusDepacketizer;
import dev.glasscast.ingest.rtp.RtpOpusFrame;
import dev.glasscast.ingest.rtp.RtpPacket;
import dev.glasscast.ingest.rtp.RtpPacketDecoder;
import dev.glasscast.ingest.sdp.SdpAnswer;
import dev.glasscast.ingest.srtp.SrtpContext;
import dev.glasscast.ingest.srtp.SrtpResult;
import dev.glasscast.ingest.stun.StunDemultiplexer;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.StreamPublisher;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.H264Sps;
import dev.glasscast.transcode.AacTranscoder;
import dev.glasscast.transcode.TranscodeException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DTLS-SRTP transport of one WHIP publisher: the DTLS handshake as the passive side our
 * answer announced, then the publisher's SRTP decrypted, its H.264 reassembled (RFC 6184) and its
 * Opus turned into AAC (HLS and DASH players need AAC), published into the hub as the stream's
 * source, as an SRT or RTMP publisher's media is. Until the first key frame, and whenever the
 * depacketizer lost a picture's data, a PLI asks the publisher for a key frame (at most one every
 * {@value #PLI_INTERVAL_MILLIS} ms).
 *
 * <p>Timeline: both tracks count from when the keys were agreed, each from its first packet's
 * arrival on, by its own RTP clock; a publisher's streams start within milliseconds of each other,
 * so audio and video line up to about that.
 *
 * <p>Threads: datagrams arrive on the UDP port's event loop, where they are decrypted,
 * reassembled and (the sound, 20 ms at a time) transcoded: bounded work per datagram, nothing
 * that waits. The PLI timer runs on {@code timer}. Buffer ownership: each datagram is released here.
 */
public final class WebRtcIngestTransport implements WebRtcTransport {

    private static final Logger log = LoggerFactory.getLogger(WebRtcIngestTransport.class);

    /** How often a PLI may go out while a key frame is awaited. */
    static final long PLI_INTERVAL_MILLIS = 500;
    static final int VIDEO_TRACK = 1;
    static final int AUDIO_TRACK = 2;
    /** The AAC the sound becomes: what the default audio rendition carries. */
    static final long AAC_BITRATE = 128_000;
    static final int OPUS_CLOCK = 48_000;
    static final int VIDEO_CLOCK = 90_000;

    /** Where the publisher's media path is. */
    public enum State {
        /** Answered; the publisher's first DTLS flight has not come. */
        AWAITING_DTLS,
        /** The DTLS handshake runs. */
        HANDSHAKING,
        /** Keys agreed: media is received and published. */
        RECEIVING,
        /** The handshake failed; the session waits for DELETE or expiry. */
        FAILED,
        /** Closed with the session: the stream is unpublished. */
        CLOSED
    }

    private final String stream;
    private final SdpAnswer answer;
    private final WebRtcDatagramSender out;
    private final StreamPublisher publisher;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final WebRtcDtlsHandshake dtls;
    private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_DTLS);
    private final RtpPacketDecoder rtpDecoder = new RtpPacketDecoder();
    private final RtpH264Depacketizer h264 = new RtpH264Depacketizer();
    private final RtpOpusDepacketizer opus = new RtpOpusDepacketizer();
    private final int videoPayloadType;
    private final int audioPayloadType;

    private volatile InetSocketAddress remote;
    private volatile SrtpContext srtpIn;
    private volatile SrtpContext srtcpOut;
    private volatile long keysNanos;
    private volatile boolean keyFrameNeeded = true;
    private volatile int mediaSsrc;
    private ScheduledFuture<?> pliTimer;
    // Event loop only (datagrams of one session arrive on one event loop):
    private boolean unreadableSpsLogged;
    private TrackInfo video;
    private TrackInfo audio;
    private boolean announced;
    private long videoBase = Long.MIN_VALUE;
    private long firstVideoTimestamp;
    private long audioBase = Long.MIN_VALUE;
    private long firstAudioTimestamp;
    private final List<AccessUnit> waiting = new ArrayList<>();
    /** Guards {@link #aac}: the event loop transcodes with it, {@link #close()} (maybe elsewhere) frees it. */
    private final Object aacLock = new Object();
    private AacTranscoder aac;
    private boolean aacClosed;

    /**
     * @param stream    the stream published
     * @param answer    what the session negotiated (payload types, the fingerprint to check)
     * @param publisher the stream's source in the hub; closed with the session
     * @param timer     runs the PLI timer
     */
    public WebRtcIngestTransport(String stream, SdpAnswer answer, DtlsCertificate certificate, WebRtcDatagramSender out,
                                 StreamPublisher publisher, ScheduledExecutorService timer, LongSupplier nanoTime) {
        this.stream = stream;
        this.answer = answer;
        this.out = out;
        this.publisher = publisher;
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.videoPayloadType = answer.media("video").map(m -> m.codec().payloadType()).orElse(-1);
        this.audioPayloadType = answer.media("audio").map(m -> m.codec().payloadType()).orElse(-1);
        this.dtls = new WebRtcDtlsHandshake(certificate, answer.remoteFingerprint(), out, () -> remote);
        dtls.keys().whenComplete(this::keysAgreed);
    }

    public State state() {
        return state.get();
    }

    @Override
    public void datagram(StunDemultiplexer.PacketKind kind, ByteBuf datagram, InetSocketAddress sender) {
        try {
            remote = sender;
            switch (kind) {
                case DTLS -> {
                    state.compareAndSet(State.AWAITING_DTLS, State.HANDSHAKING);
                    dtls.offer(datagram);
                }
                case RTP -> rtp(datagram);
                default -> {
                    // The publisher's RTCP (sender reports) is not needed to publish.
                }
            }
        } finally {
            datagram.release();
        }
    }

    private void keysAgreed(DtlsSrtpKeys keys, Throwable failure) {
        if (failure != null) {
            if (state.compareAndSet(State.HANDSHAKING, State.FAILED)) {
                log.info("WHIP publisher of {} from {}: the DTLS handshake failed: {}", stream, remote, failure.getMessage());
            }
            return;
        }
        srtpIn = keys.receiveContext(DtlsRole.SERVER, WebRtcPeerTransport.MAX_SSRCS);
        srtcpOut = keys.sendContext(DtlsRole.SERVER, WebRtcPeerTransport.MAX_SSRCS);
        keysNanos = nanoTime.getAsLong();
        synchronized (this) {
            if (!state.compareAndSet(State.HANDSHAKING, State.RECEIVING)) {
                return;
            }
            pliTimer = timer.scheduleAtFixedRate(this::askForKeyFrame, 0, PLI_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
        log.info("WHIP publisher of {} from {}: DTLS-SRTP up ({})", stream, remote, keys.profile());
    }

    private void rtp(ByteBuf datagram) {
        SrtpContext in = srtpIn;
        if (in == null || state.get() != State.RECEIVING) {
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(datagram);
        if (!(in.unprotectRtp(bytes, 0, bytes.length) instanceof SrtpResult.Packet(byte[] plain))) {
            return; // forged, replayed or corrupted
        }
        RtpPacket packet;
        try {
            packet = rtpDecoder.decode(Unpooled.wrappedBuffer(plain));
        } catch (RtpFormatException e) {
            return;
        }
        long now = nanoTime.getAsLong();
        try {
            if (packet.payloadType() == videoPayloadType) {
                mediaSsrc = packet.ssrc();
                for (RtpH264AccessUnit unit : h264.push(packet)) {
                    video(unit, now);
                }
                keyFrameNeeded |= h264.keyFrameNeeded();
            } else if (packet.payloadType() == audioPayloadType) {
                opus.push(packet).ifPresent(frame -> audio(frame, now));
            }
        } catch (TranscodeException e) {
            log.warn("WHIP publisher of {}: its sound cannot be transcoded: {}", stream, e.getMessage());
        }
    }

    private void video(RtpH264AccessUnit unit, long nowNanos) {
        if (video == null) {
            if (!unit.keyFrame() || unit.damaged() || unit.sps().isEmpty() || unit.pps().isEmpty()) {
                return;
            }
            H264Sps sps;
            try {
                sps = H264Sps.parse(unit.sps().getFirst());
            } catch (RuntimeException e) {
                // A corrupt SPS from the outside: ask for another key frame rather than fail the session.
                if (!unreadableSpsLogged) {
                    unreadableSpsLogged = true;
                    log.warn("WHIP publisher of {}: unreadable H.264 SPS ({}); waiting for a key frame with a readable one",
                            stream, e.getMessage());
                }
                keyFrameNeeded = true;
                return;
            }
            video = TrackInfo.video(VIDEO_TRACK, Codec.H264, VIDEO_CLOCK, sps.width(), sps.height(), sps.frameRate(), 0,
                    AvcDecoderConfig.of(unit.sps(), unit.pps()).toBytes());
            log.info("WHIP publisher of {}: H.264 {}x{}", stream, sps.width(), sps.height());
        }
        if (unit.keyFrame() && !unit.damaged()) {
            keyFrameNeeded = false;
        }
        if (videoBase == Long.MIN_VALUE) {
            videoBase = (nowNanos - keysNanos) * VIDEO_CLOCK / 1_000_000_000L;
            firstVideoTimestamp = unit.timestamp();
        }
        publish(unit.toAccessUnit(VIDEO_TRACK, firstVideoTimestamp - videoBase));
    }

    private void audio(RtpOpusFrame frame, long nowNanos) {
        if (audioBase == Long.MIN_VALUE) {
            audioBase = (nowNanos - keysNanos) * OPUS_CLOCK / 1_000_000_000L;
            firstAudioTimestamp = frame.timestamp();
        }
        long pts = frame.timestamp() - firstAudioTimestamp + audioBase;
        synchronized (aacLock) {
            if (aacClosed) {
                return;
            }
            if (aac == null) {
                aac = AacTranscoder.fromOpus(AUDIO_TRACK, OPUS_CLOCK, AAC_BITRATE);
            }
            AacTranscoder transcoder = aac;
            transcoder.transcode(new AccessUnit(AUDIO_TRACK, pts, pts, frame.durationSamples(), true, frame.data()), unit -> {
                audio = transcoder.track();
                publish(unit);
            });
        }
    }

    /** Announces the tracks once video (and the sound, if negotiated) are known; holds units until then. */
    private void publish(AccessUnit unit) {
        if (!announced) {
            boolean audioReady = audioPayloadType < 0 || audio != null;
            if (video == null || !audioReady) {
                if (waiting.size() < 512) {
                    waiting.add(unit);
                }
                return;
            }
            publisher.tracks(audio == null ? List.of(video) : List.of(video, audio));
            announced = true;
            for (AccessUnit held : waiting) {
                publisher.send(held);
            }
            waiting.clear();
        }
        publisher.send(unit);
    }

    /** A PLI for the publisher's video while a key frame is awaited. */
    private void askForKeyFrame() {
        SrtpContext rtcp = srtcpOut;
        InetSocketAddress to = remote;
        if (!keyFrameNeeded || rtcp == null || to == null || state.get() != State.RECEIVING) {
            return;
        }
        ByteBuf plain = RtcpPacketEncoder.encode(UnpooledByteBufAllocator.DEFAULT,
                new RtcpPictureLossIndication(1, mediaSsrc));
        byte[] bytes;
        try {
            bytes = ByteBufUtil.getBytes(plain);
        } finally {
            plain.release();
        }
        if (rtcp.protectRtcp(bytes, 0, bytes.length) instanceof SrtpResult.Packet(byte[] wire)) {
            out.send(Unpooled.wrappedBuffer(wire), to);
        }
    }

    /** Ends the publication: the stream goes to the slate, or ends. */
    @Override
    public void close() {
        ScheduledFuture<?> timerTask;
        synchronized (this) {
            if (state.getAndSet(State.CLOSED) == State.CLOSED) {
                return;
            }
            timerTask = pliTimer;
        }
        if (timerTask != null) {
            timerTask.cancel(false);
        }
        dtls.close();
        publisher.close();
        synchronized (aacLock) {
            aacClosed = true;
            if (aac != null) {
                aac.close();
            }
        }
    }
}
