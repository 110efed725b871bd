package dev.glasscast.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;

/** What Debian's ffprobe decodes of a recorded file: the check for media a receiver got. */
public final class DecodedMedia {

    private DecodedMedia() {
    }

    /**
     * Asserts that {@code recording} decodes without an error into H.264 of {@code width} x
     * {@code height} with at least {@code minFrames} pictures, and AAC with at least the frames of
     * that much time (48 kHz: 1.33 frames per 30 fps picture, asked as 40 per 30).
     */
    public static void assertH264WithAac(Path workDir, Path recording, int width, int height, int minFrames)
            throws Exception {
        FfmpegCli.Result probe = FfmpegCli.run(workDir, "ffprobe", List.of("-v", "error", "-count_frames",
                "-show_entries", "stream=codec_type,codec_name,width,height,nb_read_frames", "-of", "json",
                recording.toString()), 60);
        assertEquals(0, probe.exitCode(), probe.stderr());
        assertEquals("", probe.stderr().trim(), recording + ": ffprobe reported errors");
        JsonNode video = null;
        JsonNode audio = null;
        for (JsonNode stream : new ObjectMapper().readTree(probe.stdout()).get("streams")) {
            if (stream.get("codec_type").asText().equals("video")) {
                video = stream;
            } else if (stream.get("codec_type").asText().equals("audio")) {
                audio = stream;
            }
        }
        assertNotNull(video, probe.stdout());
        assertNotNull(audio, probe.stdout());
        assertEquals("h264", video.get("codec_name").asText());
        assertEquals(width, video.get("width").asInt());
        assertEquals(height, video.get("height").asInt());
        assertTrue(video.get("nb_read_frames").asInt() >= minFrames, recording + ": " + video);
        assertEquals("aac", audio.get("codec_name").asText());
        assertTrue(audio.get("nb_read_frames").asInt() >= (minFrames / 30) * 40, recording + ": " + audio);
    }
}
