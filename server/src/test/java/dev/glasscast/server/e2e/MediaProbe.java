package dev.glasscast.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What ffprobe decodes from a media file: the stream's format and every frame's timestamp. */
public record MediaProbe(String codec, int width, int height, int sampleRate, List<Double> frameTimes, String decodeErrors) {

    /** Decodes every frame of the first stream of {@code file} (ffprobe -show_frames). */
    public static MediaProbe of(Path workDir, Path file) throws Exception {
        FfmpegCli.Result probe = FfmpegCli.run(workDir, "ffprobe", List.of(
                "-v", "error", "-show_streams", "-show_frames",
                "-show_entries", "stream=codec_name,width,height,sample_rate:frame=best_effort_timestamp_time",
                "-of", "json", file.toString()), 120);
        if (probe.exitCode() != 0) {
            throw new AssertionError("ffprobe failed on " + file + ": " + probe.stderr());
        }
        JsonNode json = new ObjectMapper().readTree(probe.stdout());
        JsonNode stream = json.path("streams").path(0);
        List<Double> times = new ArrayList<>();
        for (JsonNode frame : json.path("frames")) {
            times.add(frame.path("best_effort_timestamp_time").asDouble());
        }
        return new MediaProbe(stream.path("codec_name").asText(), stream.path("width").asInt(),
                stream.path("height").asInt(), stream.path("sample_rate").asInt(), times, probe.stderr().trim());
    }

    /** The largest step between consecutive frame timestamps, in seconds. */
    public double largestGap() {
        double largest = 0;
        for (int i = 1; i < frameTimes.size(); i++) {
            largest = Math.max(largest, frameTimes.get(i) - frameTimes.get(i - 1));
        }
        return largest;
    }

    public double duration() {
        return frameTimes.isEmpty() ? 0 : frameTimes.get(frameTimes.size() - 1) - frameTimes.get(0);
    }
}
