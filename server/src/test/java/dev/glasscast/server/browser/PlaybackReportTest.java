package dev.glasscast.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's verdicts on reports shaped as the probe writes them. */
class PlaybackReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The report of the project's CI run on 2026-12-07, cut to what the bounds read. */
    private static PlaybackReport oneShortStall(String errorName, boolean fatal) throws Exception {
        return PlaybackReport.from(JSON.readTree("""
                {"started": true, "wallSeconds": 11.97, "playingSeconds": 11.97, "playedSeconds": 11.46,
                 "stalls": [{"at": 1.5, "media": 2.91, "seconds": 0.46}],
                 "errors": [{"name": "%s", "fatal": %s, "detail": "mediaError"}],
                 "videoFrames": 343, "droppedFrames": 1, "longestVideoGapSeconds": 0.25,
                 "audioBytes": 148284, "longestAudioGapSeconds": 0.20, "latency": [2.18, 2.19]}
                """.formatted(errorName, fatal)));
    }

    @Test
    void hlsJsReportingTheOneAllowedStallIsNotASecondFault() throws Exception {
        assertEquals(List.of(), oneShortStall("bufferStalledError", false).violations(PlaybackBounds.defaults()));
        assertEquals(List.of(), oneShortStall("bufferNudgeOnStall", false).violations(PlaybackBounds.defaults()));
    }

    @Test
    void aStallReportFailsWhereNoStallIsAllowedOrWhenFatal() throws Exception {
        List<String> noStallAllowed = oneShortStall("bufferStalledError", false)
                .violations(PlaybackBounds.defaults().withMaxStalls(0));
        assertTrue(noStallAllowed.stream().anyMatch(v -> v.startsWith("1 stalls")), noStallAllowed.toString());
        assertTrue(noStallAllowed.stream().anyMatch(v -> v.startsWith("player errors")), noStallAllowed.toString());

        List<String> fatal = oneShortStall("bufferStalledError", true).violations(PlaybackBounds.defaults());
        assertTrue(fatal.stream().anyMatch(v -> v.startsWith("player errors")), fatal.toString());
    }

    /**
     * ReconnectAndRecordingTest in clean-clone run AO: 7.97 s played in 8.01 s after the break,
     * no stall, and one non-fatal "aborted", hls.js cancelling a load of its own.
     */
    @Test
    void hlsJsCancellingItsOwnLoadIsNotAFault() throws Exception {
        assertEquals(List.of(), oneShortStall("aborted", false).violations(PlaybackBounds.defaults()));
        List<String> fatal = oneShortStall("aborted", true).violations(PlaybackBounds.defaults());
        assertTrue(fatal.stream().anyMatch(v -> v.startsWith("player errors")), fatal.toString());
    }

    @Test
    void otherNonFatalErrorsStillFail() throws Exception {
        List<String> missed = oneShortStall("fragLoadError", false).violations(PlaybackBounds.defaults());
        assertTrue(missed.stream().anyMatch(v -> v.startsWith("player errors")), missed.toString());
    }
}
