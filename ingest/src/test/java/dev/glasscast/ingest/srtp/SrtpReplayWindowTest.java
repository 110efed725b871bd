package dev.glasscast.ingest.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SrtpReplayWindowTest {

    @Test
    void acceptsNewIndicesAndRefusesSeenOnes() {
        SrtpReplayWindow window = new SrtpReplayWindow();
        assertTrue(window.check(100));
        window.accept(100);
        assertFalse(window.check(100));
        assertTrue(window.check(99));
        window.accept(99);
        assertFalse(window.check(99));
        assertTrue(window.check(101));
        assertEquals(100, window.highest());
    }

    @Test
    void refusesWhatFellOutOfTheWindow() {
        SrtpReplayWindow window = new SrtpReplayWindow();
        window.accept(1000);
        assertTrue(window.check(1000 - SrtpReplayWindow.SIZE + 1));
        assertFalse(window.check(1000 - SrtpReplayWindow.SIZE));
        window.accept(1000 + 200);
        assertFalse(window.check(1000));
        assertTrue(window.check(1199));
    }

    @Test
    void aJumpKeepsTheBitsThatStayInside() {
        SrtpReplayWindow window = new SrtpReplayWindow();
        window.accept(10);
        window.accept(12);
        window.accept(40);
        assertFalse(window.check(10));
        assertFalse(window.check(12));
        assertTrue(window.check(11));
    }
}
