package dev.glasscast.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EncoderSpeedTest {

    @Test
    void measuresOnceAndScalesWithTheCores() {
        EncoderSpeed one = new EncoderSpeed("ultrafast", 1);
        double perCore = one.getAsDouble();
        // Even a loaded small core encodes 640x360 ultrafast faster than 10 pictures a second.
        assertTrue(perCore > 640 * 360 * 10, "pixels per second: " + perCore);
        assertEquals(perCore, one.getAsDouble(), "measured once, then cached");
        assertTrue(new EncoderSpeed("ultrafast", 4).getAsDouble() > 2 * perCore * 0.5, "four cores count");
    }
}
