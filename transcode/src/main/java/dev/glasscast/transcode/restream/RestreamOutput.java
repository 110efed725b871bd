package dev.glasscast.transcode.restream;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/**
 * One connection to a restream destination: FFmpeg's FLV muxer over its rtmp or rtmps protocol,
 * or its MPEG-TS muxer over srt, carrying one video and one audio track as they are (no
 * re-encoding; the MPEG-TS muxer turns the length-prefixed H.264 and raw AAC into Annex B and
 * ADTS itself). Timestamps are shifted so that the connection starts at 0. Network calls block
 * (bounded by a 5 s read/write timeout): used by one destination thread, never an event loop.
 * Not thread-safe.
 */
final class RestreamOutput implements AutoCloseable {

    /** How long a write may block before the destination counts as gone, in microseconds. */
    private static final String IO_TIMEOUT_MICROS = "5000000";

    /**
     * Where distributions keep the system's CA bundle (Debian and Ubuntu, Fedora and RHEL,
     * openSUSE, Alpine and macOS). FFmpeg's bundled OpenSSL looks in its build directory, which a
     * user's machine does not have, so the bundle is always named.
     */
    private static final List<String> SYSTEM_CA_BUNDLES = List.of(
            "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
            "/etc/ssl/cert.pem");

    private final String url;
    private final String caFile;
    private final TrackInfo video;
    private final TrackInfo audio;
    private AVFormatContext context;
    private AVStream videoStream;
    private AVStream audioStream;
    private boolean headerWritten;
    /** The first video key frame's decode time, in microseconds: the output's zero. */
    private long originMicros = Long.MIN_VALUE;
    private long bytesWritten;

    /**
     * Connects and writes the header.
     *
     * @param caFile for rtmps, the CAs to trust; null for the system's bundle
     * @param audio  null for a stream without audio
     * @throws IOException naming FFmpeg's error when the destination cannot be reached or refuses
     */
    RestreamOutput(String url, String caFile, TrackInfo video, TrackInfo audio) throws IOException {
        this.url = url;
        this.caFile = caFile;
        this.video = video;
        this.audio = audio;
        try {
            open();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code flv} for rtmp and rtmps, {@code mpegts} for srt. */
    static String formatOf(String url) {
        return url.startsWith("srt://") ? "mpegts" : "flv";
    }

    private void open() throws IOException {
        context = new AVFormatContext(null);
        check(avformat_alloc_output_context2(context, null, formatOf(url), url), "no muxer");
        videoStream = newStream(video);
        if (audio != null) {
            audioStream = newStream(audio);
        }
        if ((context.oformat().flags() & AVFMT_NOFILE) == 0) {
            AVIOContext io = new AVIOContext(null);
            AVDictionary options = new AVDictionary(null);
            av_dict_set(options, "rw_timeout", IO_TIMEOUT_MICROS, 0);
            if (url.startsWith("rtmps://")) {
                // FFmpeg's TLS checks nothing unless asked to; a stream key must not go to whoever answers.
                av_dict_set(options, "tls_verify", "1", 0);
                av_dict_set(options, "ca_file", trustedCas(), 0);
            }
            try {
                check(avio_open2(io, url, AVIO_FLAG_WRITE, null, options), url.startsWith("rtmps://")
                        ? "cannot connect (for rtmps, the server's certificate must be valid for its host and"
                          + " signed by a CA in " + trustedCas() + ")"
                        : "cannot connect");
            } finally {
                av_dict_free(options);
            }
            context.pb(io);
        }
        check(avformat_write_header(context, (AVDictionary) null), "the destination refused the stream header");
        headerWritten = true;
    }

    /** The configured CA file, else $SSL_CERT_FILE, else the first system bundle that exists. */
    private String trustedCas() throws IOException {
        if (caFile != null) {
            return caFile;
        }
        String fromEnvironment = System.getenv("SSL_CERT_FILE");
        if (fromEnvironment != null && Files.isReadable(Path.of(fromEnvironment))) {
            return fromEnvironment;
        }
        for (String bundle : SYSTEM_CA_BUNDLES) {
            if (Files.isReadable(Path.of(bundle))) {
                return bundle;
            }
        }
        throw new IOException("no CA bundle to check the rtmps server's certificate with (looked for $SSL_CERT_FILE and "
                + String.join(", ", SYSTEM_CA_BUNDLES) + "); install ca-certificates or set the destination's ca_file");
    }

    private AVStream newStream(TrackInfo track) throws IOException {
        AVStream stream = avformat_new_stream(context, (AVCodec) null);
        if (stream == null) {
            throw new IOException("cannot add a stream to the muxer");
        }
        AVCodecParameters parameters = stream.codecpar();
        if (track.isVideo()) {
            parameters.codec_type(AVMEDIA_TYPE_VIDEO);
            parameters.codec_id(track.codec() == Codec.H265 ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264);
            parameters.width(track.width());
            parameters.height(track.height());
        } else {
            parameters.codec_type(AVMEDIA_TYPE_AUDIO);
            parameters.codec_id(AV_CODEC_ID_AAC);
            parameters.sample_rate(track.sampleRate());
            parameters.frame_size(1024);
            av_channel_layout_default(parameters.ch_layout(), Math.max(1, track.channels()));
        }
        byte[] config = track.codecConfig();
        if (config.length > 0) {
            BytePointer extradata = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
            extradata.put(config, 0, config.length);
            parameters.extradata(extradata);
            parameters.extradata_size(config.length);
        }
        stream.time_base(av_make_q(1, track.timescale()));
        return stream;
    }

    /** Writes one access unit of the video or audio track; units before the first video key frame are skipped. */
    void write(AccessUnit unit, boolean isVideo) throws IOException {
        TrackInfo track = isVideo ? video : audio;
        AVStream stream = isVideo ? videoStream : audioStream;
        if (stream == null) {
            return;
        }
        AVRational source = av_make_q(1, track.timescale());
        AVRational micros = av_make_q(1, 1_000_000);
        if (originMicros == Long.MIN_VALUE) {
            if (!isVideo || !unit.keyFrame()) {
                return;
            }
            originMicros = av_rescale_q(unit.dts(), source, micros);
        }
        long origin = av_rescale_q(originMicros, micros, source);
        long dts = unit.dts() - origin;
        if (dts < 0) {
            return;
        }
        AVPacket packet = av_packet_alloc();
        try {
            check(av_new_packet(packet, unit.data().length), "out of memory");
            packet.data().put(unit.data(), 0, unit.data().length);
            packet.stream_index(stream.index());
            AVRational target = stream.time_base();
            packet.dts(av_rescale_q(dts, source, target));
            packet.pts(av_rescale_q(unit.pts() - origin, source, target));
            packet.duration(av_rescale_q(unit.duration(), source, target));
            packet.flags(unit.keyFrame() ? AV_PKT_FLAG_KEY : 0);
            check(av_interleaved_write_frame(context, packet), "write failed");
            bytesWritten += unit.data().length;
        } finally {
            av_packet_free(packet);
        }
    }

    long bytesWritten() {
        return bytesWritten;
    }

    private void check(int result, String what) throws IOException {
        if (result < 0) {
            byte[] text = new byte[256];
            av_strerror(result, text, text.length);
            String error = new String(text, java.nio.charset.StandardCharsets.UTF_8).trim().replace("\0", "");
            throw new IOException(what + ": " + error);
        }
    }

    /** Ends the stream at the destination (FLV trailer, or the last TS packets) and disconnects. */
    @Override
    public void close() {
        if (context == null) {
            return;
        }
        if (headerWritten) {
            av_write_trailer(context);
        }
        if ((context.oformat() == null || (context.oformat().flags() & AVFMT_NOFILE) == 0) && context.pb() != null) {
            avio_closep(context.pb());
        }
        avformat_free_context(context);
        context = null;
    }
}
