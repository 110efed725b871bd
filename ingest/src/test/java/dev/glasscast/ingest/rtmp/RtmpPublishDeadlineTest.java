package dev.glasscast.ingest.rtmp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.amf0.Amf0Decoder;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.media.StreamHub;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A peer that never publishes cannot hold a connection by keeping it busy. Time moves by hand. */
class RtmpPublishDeadlineTest {

    @Test
    void aConnectionThatDoesNotPublishInTimeIsClosed() {
        PublishAuthorizer authorizer = new PublishAuthorizer(List.of(new StreamConfig("main", "deadline-key")));
        EmbeddedChannel channel = new EmbeddedChannel(
                new RtmpSessionHandler(authorizer, new StreamHub(), RtmpServerLimits.defaults(), new Amf0Decoder()));
        // The embedded loop's clock runs with real time unless frozen; only advanceTimeBy moves it now.
        channel.freezeTime();
        assertTrue(channel.isOpen(), "open at first");
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "open before any time passed");
        channel.advanceTimeBy(RtmpSessionHandler.PUBLISH_DEADLINE_MILLIS - 1000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(2000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }
}
