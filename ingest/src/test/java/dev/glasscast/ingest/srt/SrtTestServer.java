package dev.glasscast.ingest.srt;

import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.SrtConfig;
import dev.glasscast.config.StreamConfig;
import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.media.StreamHub;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An SRT listener on an ephemeral loopback port with two configured streams, for tests. */
final class SrtTestServer implements AutoCloseable {

    static final String LIVE_KEY = "live-key-0123456789";
    static final String SECOND_KEY = "second-key-9876543210";
    static final String PASSPHRASE = "correct-horse-battery-staple";

    final StreamHub hub = new StreamHub();
    final HubRecorder recorder = new HubRecorder();
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final SrtListener listener;
    final int port;

    SrtTestServer(String passphrase) throws Exception {
        this(passphrase, SrtListener.DEFAULT_IDLE_TIMEOUT);
    }

    SrtTestServer(String passphrase, Duration idleTimeout) throws Exception {
        this(passphrase, idleTimeout, SrtListener.DEFAULT_MAX_SESSIONS);
    }

    SrtTestServer(String passphrase, Duration idleTimeout, int maxSessions) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("GLASSCAST_INGEST__SRT__BIND", "127.0.0.1");
        environment.put("GLASSCAST_INGEST__SRT__PORT", "0");
        if (passphrase != null) {
            environment.put("GLASSCAST_INGEST__SRT__PASSPHRASE", passphrase);
        }
        SrtConfig config = new ConfigLoader().load(null, environment).ingest().srt();
        PublishAuthorizer authorizer = new PublishAuthorizer(List.of(
                new StreamConfig("live", LIVE_KEY), new StreamConfig("second", SECOND_KEY)));
        hub.addListener(recorder);
        listener = new SrtListener(config, authorizer, hub, group, maxSessions,
                SrtListener.DEFAULT_BUFFER_PACKETS, idleTimeout, SrtPlayback.NONE);
        port = listener.start();
    }

    String url(String streamId) {
        return "srt://127.0.0.1:" + port + "?streamid=" + streamId + "&latency=200000";
    }

    @Override
    public void close() {
        listener.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
