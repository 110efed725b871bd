package dev.glasscast.packager;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects what Netty's leak detector reports while a test runs. Leaks are reported only once
 * the leaked buffer has been garbage collected and the detector tracks another buffer, so
 * {@link #leaks()} forces both.
 */
public final class NettyLeakWatch implements AutoCloseable {

    private final Logger detectorLogger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    private final boolean wasAdditive = detectorLogger.isAdditive();

    /** Watches and lets reports through to the log as usual. */
    public NettyLeakWatch() {
        this(false);
    }

    /** @param silent true to keep reports out of the log, for a test that leaks on purpose */
    public NettyLeakWatch(boolean silent) {
        events.start();
        detectorLogger.addAppender(events);
        if (silent) {
            detectorLogger.setAdditive(false);
        }
    }

    /** Messages of the leaks found so far, after collecting garbage. */
    public List<String> leaks() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 200; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
        return events.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.contains("LEAK"))
                .toList();
    }

    @Override
    public void close() {
        detectorLogger.detachAppender(events);
        detectorLogger.setAdditive(wasAdditive);
        events.stop();
    }
}
