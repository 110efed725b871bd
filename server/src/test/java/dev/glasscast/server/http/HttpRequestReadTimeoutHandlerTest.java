package dev.glasscast.server.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Slow clients are cut off; clients being answered are not. Time moves by hand. */
class HttpRequestReadTimeoutHandlerTest {

    @Test
    void aConnectionWithoutAWholeRequestInTimeIsClosed() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestReadTimeoutHandler(Duration.ofSeconds(10)));
        channel.freezeTime(); // only advanceTimeBy moves the embedded loop's clock
        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "a slowloris client is closed");
        channel.finishAndReleaseAll();
    }

    @Test
    void theClockStopsWhileARequestIsAnsweredAndRestartsAfterTheResponse() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestReadTimeoutHandler(Duration.ofSeconds(10)));
        channel.freezeTime(); // only advanceTimeBy moves the embedded loop's clock
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/live/main/index.m3u8");
        channel.writeInbound(request);
        ReferenceCountUtil.release(channel.readInbound());
        channel.advanceTimeBy(30, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "a blocking playlist request may take its time");
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ReferenceCountUtil.release(channel.readOutbound());
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "the next request must come in time too");
        channel.finishAndReleaseAll();
    }
}
