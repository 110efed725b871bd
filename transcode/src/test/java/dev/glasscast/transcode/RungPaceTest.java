package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pace on a fake clock: pictures 33 ms apart, encoded in a chosen time each. */
class RungPaceTest {

    private static final long PICTURE = 33_333_333L;
    private static final RungPace.Timing TIMING = new RungPace.Timing(Duration.ofSeconds(1), Duration.ofSeconds(20),
            Duration.ofSeconds(30));

    private final AtomicLong now = new AtomicLong();

    /** Encodes pictures for {@code seconds}, each taking {@code share} of a picture's time. */
    private RungPace.Step run(RungPace pace, double seconds, double share) {
        RungPace.Step step = pace.step();
        for (long t = 0; t < seconds * 1e9; t += PICTURE) {
            now.addAndGet(PICTURE);
            step = pace.encoded((long) (share * PICTURE), PICTURE);
        }
        return step;
    }

    @Test
    void aRungThatFallsBehindStepsDownOneStepAtATimeAndNeverDropsItself() {
        RungPace pace = new RungPace(30, now::get, TIMING);
        assertEquals(RungPace.Step.AS_CONFIGURED, run(pace, 10, 0.6), "keeping up: nothing changes");
        assertEquals(RungPace.Step.FASTER, run(pace, 2, 1.2), "behind for a second: faster analysis");
        assertEquals(RungPace.Step.FASTEST, run(pace, 2, 1.2), "still behind: the fastest analysis");
        assertEquals(RungPace.Step.FASTEST, run(pace, 10, 1.2), "a 30 fps source is not halved");
        assertEquals(2, pace.stepDowns());
    }

    @Test
    void a60FpsSourceIsHalvedAsTheLastStep() {
        RungPace pace = new RungPace(60, now::get, TIMING);
        assertEquals(RungPace.Step.HALF_RATE, run(pace, 10, 1.5));
        assertEquals(3, pace.stepDowns());
    }

    @Test
    void withHeadroomAgainItStepsBackUpAfterSettling() {
        RungPace pace = new RungPace(30, now::get, TIMING);
        run(pace, 4, 1.2);
        assertEquals(RungPace.Step.FASTEST, pace.step());
        assertEquals(RungPace.Step.FASTEST, run(pace, 15, 0.3), "not before the settling time and the calm");
        assertEquals(RungPace.Step.FASTER, run(pace, 20, 0.3), "one step up after 20 s of calm");
        assertEquals(RungPace.Step.AS_CONFIGURED, run(pace, 25, 0.3), "and the next after 20 s more");
        assertEquals(RungPace.Step.AS_CONFIGURED, run(pace, 60, 0.6), "a load between the marks changes nothing");
    }

    @Test
    void aDroppedPictureStepsDownAtOnceButNotTwiceWithinASecond() {
        RungPace pace = new RungPace(30, now::get, TIMING);
        now.addAndGet(5_000_000_000L);
        pace.dropped();
        pace.dropped();
        assertEquals(RungPace.Step.FASTER, pace.step());
        now.addAndGet(1_000_000_000L);
        pace.dropped();
        assertEquals(RungPace.Step.FASTEST, pace.step());
    }

    @Test
    void offlineWorkNeverSteps() {
        RungPace pace = RungPace.steady();
        assertEquals(RungPace.Step.AS_CONFIGURED, run(pace, 10, 3));
        pace.dropped();
        assertEquals(RungPace.Step.AS_CONFIGURED, pace.step());
    }
}
