package dev.glasscast.server.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glasscast.server.e2e.FfmpegCli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Debian's ffprobe reads from media segments: every stream decoded to the last frame, its
 * packets' timestamps, and whatever the decoders complained about. To spare the shared machine
 * one ffprobe process per segment, consecutive segments are probed as one file (an init segment
 * followed by its media segments, or TS segments one after the other) and each packet is given
 * back to its segment by its byte position.
 *
 * @param streams one entry per stream of the segment, in file order
 * @param errors  ffprobe's stderr at {@code -v error} for the whole file: decode errors, empty when clean
 * @param lastOfFile whether no segment followed this one in the probed file
 */
record SegmentProbe(List<StreamProbe> streams, String errors, boolean lastOfFile) {

    /**
     * One stream of one segment.
     *
     * @param type            {@code video} or {@code audio}
     * @param framesDecoded   frames the decoder produced from this segment's packets
     * @param packets         packets read
     * @param startsWithKey   whether the segment's first packet of this stream is a key frame
     * @param durationSeconds from the packets' own timestamps: the end of the last one (pts +
     *                        duration) less the earliest pts; ffprobe 5.1 reports the nominal frame
     *                        duration for a picture whose fMP4 sample lasts longer (a rung that shed
     *                        frames), so where a segment follows, its start is the better end
     * @param startSeconds    the earliest pts
     */
    record StreamProbe(String type, String codec, int width, int height, int sampleRate, int channels,
                       long framesDecoded, int packets, boolean startsWithKey, double durationSeconds,
                       double startSeconds) {
    }

    /** Accumulates one stream's packets within one segment. */
    private static final class Span {
        long first = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        long lastDuration;
        int packets;
        long frames;
        Boolean startsWithKey;
    }

    /**
     * @param file          the segments one after the other (after their init segment, for fMP4)
     * @param segmentStarts the byte offset in {@code file} where each segment begins, ascending
     */
    static List<SegmentProbe> of(Path workDir, Path file, long[] segmentStarts) throws Exception {
        FfmpegCli.Result probe = FfmpegCli.run(workDir, "ffprobe", List.of(
                "-v", "error", "-show_frames", "-show_packets",
                "-show_entries", "stream=index,codec_type,codec_name,width,height,sample_rate,channels,time_base"
                        + ":packet=stream_index,pts,duration,flags,pos:frame=stream_index,pkt_pos",
                "-of", "json", file.toString()), 120);
        if (probe.exitCode() != 0) {
            throw new AssertionError("ffprobe failed on " + file + ": " + probe.stderr());
        }
        JsonNode json = new ObjectMapper().readTree(probe.stdout());
        JsonNode streams = json.path("streams");
        List<Map<Integer, Span>> spans = new ArrayList<>();
        for (int i = 0; i < segmentStarts.length; i++) {
            spans.add(new LinkedHashMap<>());
        }
        // With both -show_packets and -show_frames, ffprobe interleaves them in "packets_and_frames".
        List<JsonNode> packets = new ArrayList<>();
        List<JsonNode> frames = new ArrayList<>();
        for (JsonNode entry : json.path("packets_and_frames")) {
            (entry.path("type").asText().equals("packet") ? packets : frames).add(entry);
        }
        for (JsonNode packet : packets) {
            if (!packet.has("pts") || !packet.has("pos")) {
                continue;
            }
            Span span = spans.get(segmentOf(segmentStarts, packet.path("pos").asLong()))
                    .computeIfAbsent(packet.path("stream_index").asInt(), index -> new Span());
            long pts = packet.path("pts").asLong();
            // ffprobe 5.1 gives the last sample of a fragmented MP4 no duration when it is the
            // only one of its fragment (a live init has no track duration): take the one before.
            long duration = packet.path("duration").asLong(span.lastDuration);
            span.first = Math.min(span.first, pts);
            span.end = Math.max(span.end, pts + duration);
            span.lastDuration = duration;
            span.packets++;
            if (span.startsWithKey == null) {
                span.startsWithKey = packet.path("flags").asText("").startsWith("K");
            }
        }
        for (JsonNode frame : frames) {
            if (frame.has("pkt_pos")) {
                Span span = spans.get(segmentOf(segmentStarts, frame.path("pkt_pos").asLong()))
                        .get(frame.path("stream_index").asInt());
                if (span != null) {
                    span.frames++;
                }
            }
        }
        List<SegmentProbe> segments = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            Map<Integer, Span> segment = spans.get(i);
            List<StreamProbe> probes = new ArrayList<>();
            for (JsonNode stream : streams) {
                Span span = segment.get(stream.path("index").asInt());
                if (span == null) {
                    continue;
                }
                long duration = span.end - span.first;
                if (span.packets == 1 && duration == 0 && stream.path("codec_type").asText().equals("audio")) {
                    // A lone sample without a duration: an AAC frame is 1024 samples.
                    duration = Math.round(1024 / stream.path("sample_rate").asDouble() / tick(stream));
                }
                probes.add(new StreamProbe(stream.path("codec_type").asText(), stream.path("codec_name").asText(),
                        stream.path("width").asInt(), stream.path("height").asInt(), stream.path("sample_rate").asInt(),
                        stream.path("channels").asInt(), span.frames, span.packets, Boolean.TRUE.equals(span.startsWithKey),
                        duration * tick(stream), span.first * tick(stream)));
            }
            segments.add(new SegmentProbe(probes, probe.stderr().trim(), i == spans.size() - 1));
        }
        return segments;
    }

    private static double tick(JsonNode stream) {
        String[] timeBase = stream.path("time_base").asText("1/1").split("/");
        return Double.parseDouble(timeBase[0]) / Double.parseDouble(timeBase[1]);
    }

    private static int segmentOf(long[] starts, long position) {
        int segment = 0;
        while (segment + 1 < starts.length && starts[segment + 1] <= position) {
            segment++;
        }
        return segment;
    }

    /** The video stream, or the first stream when there is no video. */
    StreamProbe main() {
        return streams.stream().filter(s -> s.type().equals("video")).findFirst()
                .orElse(streams.isEmpty() ? null : streams.getFirst());
    }
}
