package dev.glasscast.server.playback;

import dev.glasscast.ingest.srt.SrtPlayback;
import dev.glasscast.ingest.srt.SrtReadRequest;
import dev.glasscast.ingest.srt.SrtRejectReason;
import dev.glasscast.media.Codec;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamPath;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.server.http.PlaybackTokens;
import dev.glasscast.transcode.LadderTranscoder;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * SRT playback: a reader ({@code #!::r=live/main/480p,m=request}) gets one H.264 rendition and
 * the shared audio as MPEG-TS, muxed as the units arrive ({@link SrtRenditionFeed}). Without a
 * rendition named, the largest H.264 rendition live. Readers of a stream whose playback is
 * signed present a playback token (the {@code k} of the stream id), as a player presents it in
 * the URL.
 */
public final class SrtRenditionFeeds implements SrtPlayback {

    private final StreamHub hub;
    private final PlaybackTokens tokens;

    public SrtRenditionFeeds(StreamHub hub, PlaybackTokens tokens) {
        this.hub = hub;
        this.tokens = tokens;
    }

    @Override
    public Refusal check(SrtReadRequest request, InetAddress reader) {
        PlaybackTokens.Verdict verdict = tokens.check(request.stream(), request.token());
        if (!verdict.allowed()) {
            return new Refusal(SrtRejectReason.FORBIDDEN, verdict.message());
        }
        List<LiveStream> renditions = videoRenditions(request.stream());
        if (renditions.isEmpty()) {
            return new Refusal(SrtRejectReason.NOT_FOUND, "stream " + request.stream() + " is not live");
        }
        Optional<LiveStream> chosen = choose(request, renditions);
        if (chosen.isEmpty()) {
            return new Refusal(SrtRejectReason.NOT_FOUND, "stream " + request.stream() + " has no live rendition "
                    + request.rendition() + " (live: " + names(renditions) + ")");
        }
        Codec codec = videoCodec(chosen.get());
        if (codec != null && codec != Codec.H264) {
            return new Refusal(SrtRejectReason.UNSUPPORTED_MEDIA, "rendition " + chosen.get().path() + " is " + codec
                    + "; SRT playback sends H.264 renditions (live: " + names(renditions) + ")");
        }
        return null;
    }

    @Override
    public Feed open(SrtReadRequest request, Sink sink) {
        Optional<LiveStream> chosen = choose(request, videoRenditions(request.stream()));
        SrtRenditionFeed feed = new SrtRenditionFeed(sink);
        if (chosen.isEmpty()) {
            sink.end("stream " + request.stream() + " is no longer live");
            return feed;
        }
        feed.start(hub, chosen.get().path(), StreamPath.rendition(request.stream(), LadderTranscoder.AUDIO_RENDITION));
        return feed;
    }

    /** The stream's live renditions that carry video, the largest first. */
    private List<LiveStream> videoRenditions(String stream) {
        return hub.liveStreams().stream()
                .filter(live -> live.path().stream().equals(stream) && !live.path().isSource()
                        && !live.path().rendition().equals(LadderTranscoder.AUDIO_RENDITION))
                .sorted(Comparator.comparingLong(SrtRenditionFeeds::pixels).reversed())
                .toList();
    }

    /** The rendition asked for, or else the largest H.264 one. */
    private static Optional<LiveStream> choose(SrtReadRequest request, List<LiveStream> renditions) {
        if (request.rendition() != null) {
            return renditions.stream().filter(live -> live.path().rendition().equals(request.rendition())).findFirst();
        }
        return renditions.stream().filter(live -> videoCodec(live) == Codec.H264).findFirst()
                .or(() -> renditions.stream().findFirst());
    }

    private static Codec videoCodec(LiveStream live) {
        return live.tracks().stream().filter(TrackInfo::isVideo).map(TrackInfo::codec).findFirst().orElse(null);
    }

    private static long pixels(LiveStream live) {
        return live.tracks().stream().filter(TrackInfo::isVideo).mapToLong(t -> (long) t.width() * t.height()).max().orElse(0);
    }

    private static String names(List<LiveStream> renditions) {
        return String.join(", ", renditions.stream().map(live -> live.path().rendition()).toList());
    }
}
