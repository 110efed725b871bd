package dev.glasscast.server.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebRtcRungAdaptationTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long SENT = 1_000_000;

    private final WebRtcRungAdaptation adaptation = new WebRtcRungAdaptation(List.of("720p", "360p", "180p"), "720p", 0);

    @Test
    void twoEstimatesUnderWhatIsSentStepOneRungDown() {
        assertEquals(Optional.empty(), adaptation.estimate(500_000, SENT, 1 * SECOND), "settling after the start");
        assertEquals(Optional.empty(), adaptation.estimate(500_000, SENT, 3 * SECOND), "one bad report");
        assertEquals(Optional.of("360p"), adaptation.estimate(500_000, SENT, 4 * SECOND));
        assertEquals(WebRtcRungAdaptation.State.SWITCHING, adaptation.state());
        assertEquals(Optional.empty(), adaptation.estimate(100_000, SENT, 5 * SECOND), "nothing while switching");

        adaptation.switched("360p", 6 * SECOND);
        assertEquals("360p", adaptation.current());
        assertEquals(Optional.empty(), adaptation.estimate(100_000, SENT, 7 * SECOND), "reports of the old rung");
        assertEquals(Optional.empty(), adaptation.estimate(100_000, SENT, 9 * SECOND));
        assertEquals(Optional.of("180p"), adaptation.estimate(100_000, SENT, 10 * SECOND));
        adaptation.switched("180p", 11 * SECOND);
        assertEquals(Optional.empty(), adaptation.estimate(10_000, SENT, 14 * SECOND));
        assertEquals(Optional.empty(), adaptation.estimate(10_000, SENT, 15 * SECOND), "there is no smaller rung");
    }

    @Test
    void aGoodReportBetweenTwoBadOnesKeepsTheRung() {
        adaptation.estimate(500_000, SENT, 3 * SECOND);
        adaptation.estimate(900_000, SENT, 4 * SECOND);
        assertEquals(Optional.empty(), adaptation.estimate(500_000, SENT, 5 * SECOND));
        assertEquals(Optional.empty(), adaptation.estimate(1_400_000, SENT, 6 * SECOND), "1.4x what is sent is fine");
    }

    @Test
    void anEstimateClimbingTowardsANewRungIsNotHeldAgainstIt() {
        stepDownTo("360p", 0);
        assertEquals(Optional.of("720p"), adaptation.tick(16 * SECOND));
        adaptation.switched("720p", 17 * SECOND);
        for (int second = 19; second < 30; second++) {
            assertEquals(Optional.empty(), adaptation.estimate(300_000 + 40_000L * (second - 19), SENT, second * SECOND),
                    "under 850 kbit/s at " + second + " s, but rising");
        }
        assertEquals(Optional.empty(), adaptation.estimate(700_000, SENT, 30 * SECOND), "flat and low: one bad report");
        assertEquals(Optional.of("360p"), adaptation.estimate(690_000, SENT, 31 * SECOND));
    }

    @Test
    void tenPercentLossTwiceStepsDown() {
        assertEquals(Optional.empty(), adaptation.loss(30, 3 * SECOND));
        assertEquals(Optional.of("360p"), adaptation.loss(30, 4 * SECOND));
    }

    @Test
    void aSteadyViewerTriesTheRungAboveAndWaitsLongerAfterATryThatFailed() {
        stepDownTo("360p", 0);
        long at = 6 * SECOND;
        assertEquals(Optional.empty(), adaptation.tick(at + 9 * SECOND), "steady for 9 s");
        assertEquals(Optional.of("720p"), adaptation.tick(at + 10 * SECOND), "steady for 10 s: try 720p");
        adaptation.switched("720p", at + 11 * SECOND);

        // It does not fit: the estimate falls, back down, and the next try waits 20 s.
        assertEquals(Optional.empty(), adaptation.estimate(400_000, SENT, at + 14 * SECOND), "rising from 100 kbit/s");
        assertEquals(Optional.empty(), adaptation.estimate(390_000, SENT, at + 15 * SECOND));
        assertEquals(Optional.of("360p"), adaptation.estimate(380_000, SENT, at + 16 * SECOND));
        adaptation.switched("360p", at + 17 * SECOND);
        assertEquals(Optional.empty(), adaptation.tick(at + 36 * SECOND));
        assertEquals(Optional.of("720p"), adaptation.tick(at + 37 * SECOND));
        adaptation.switched("720p", at + 38 * SECOND);

        // This time it holds for 15 s: the wait is back to 10 s for the next time.
        assertEquals(Optional.empty(), adaptation.estimate(1_200_000, SENT, at + 53 * SECOND));
        stepDownTo("360p", at + 60 * SECOND);
        assertEquals(Optional.of("720p"), adaptation.tick(at + 60 * SECOND + 6 * SECOND + 10 * SECOND));
    }

    @Test
    void troubleRestartsTheWaitBeforeATry() {
        stepDownTo("360p", 0);
        adaptation.loss(30, 14 * SECOND);
        assertEquals(Optional.empty(), adaptation.tick(20 * SECOND), "one bad report 6 s ago");
        assertEquals(Optional.of("720p"), adaptation.tick(24 * SECOND));
    }

    /** Two bad reports from {@code from}, the switch done 6 s after it. */
    private void stepDownTo(String rendition, long from) {
        adaptation.estimate(100_000, SENT, from + 3 * SECOND);
        assertEquals(Optional.of(rendition), adaptation.estimate(100_000, SENT, from + 4 * SECOND));
        adaptation.switched(rendition, from + 6 * SECOND);
    }
}
