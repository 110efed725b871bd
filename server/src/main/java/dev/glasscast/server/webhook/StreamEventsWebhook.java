package dev.glasscast.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glasscast.config.WebhooksConfig;
import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.HandoffQueue;
import dev.glasscast.media.LiveStream;
import dev.glasscast.media.StreamHub;
import dev.glasscast.media.StreamListener;
import dev.glasscast.media.StreamReader;
import dev.glasscast.media.TrackInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle webhook: tells the operator's endpoint what happens to each stream, as the hub
 * sees it.
 * <ul>
 *   <li>{@code stream_started}: a publisher went live on a stream that was not on the air;</li>
 *   <li>{@code publisher_lost}: the publisher went away and the stream stays on the air (the
 *       slate holds it);</li>
 *   <li>{@code publisher_back}: a publisher came back while the slate held the stream;</li>
 *   <li>{@code stream_ended}: the stream is off the air (its renditions ended);</li>
 *   <li>{@code recording_ready}: the stream's recording is whole on disk (every rendition's
 *       end written), with {@code playlist}, the path it plays at from start to end; it follows
 *       {@code stream_ended}, and a reconnect within the grace continues the same recording, so
 *       it may come again.</li>
 * </ul>
 * The daemon's own test pattern is not a publisher: it starts no event, and a publisher taking
 * over from it starts the stream.
 *
 * <p>Events wait in one bounded queue and go out one at a time, in order, from a virtual thread:
 * hub threads only queue them. A failed delivery (no connection, timeout, non-2xx answer) is
 * tried again {@code retries} times, {@code firstRetryDelay}, twice that, and so on apart, with the
 * same {@code id}, so an endpoint can drop repeats. What cannot be delivered is logged, never
 * silently lost. Each POST carries {@code X-GlassCast-Event}, {@code X-GlassCast-Delivery} (the
 * id) and, with a secret, {@code X-GlassCast-Signature: sha256=<hex HMAC-SHA256 of the body>}.
 * Thread-safe.
 */
public final class StreamEventsWebhook implements StreamListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamEventsWebhook.class);

    static final String SIGNATURE_HEADER = "X-GlassCast-Signature";
    /** Events waiting at most; a dead endpoint with retries must not grow memory without bound. */
    static final int MAX_WAITING = 1000;
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);
    /** Then 2 s, 4 s...: an endpoint restarting is back within the default three retries. */
    public static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);

    /** One event, as sent. */
    record Event(String id, String type, String stream, Instant at) {
    }

    private final Supplier<WebhooksConfig.Events> settings;
    private final WebhookClient client;
    private final StreamHub hub;
    private final Clock clock;
    private final Duration firstRetryDelay;
    private final ObjectMapper json = new ObjectMapper();
    private final HandoffQueue<Event> waiting = new HandoffQueue<>(MAX_WAITING, HandoffQueue.WhenFull.DROP);
    /** Streams whose publisher left while their renditions stay on the air. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Thread sender;

    public StreamEventsWebhook(Supplier<WebhooksConfig.Events> settings, WebhookClient client, StreamHub hub,
                               Clock clock, Duration firstRetryDelay) {
        this.settings = settings;
        this.client = client;
        this.hub = hub;
        this.clock = clock;
        this.firstRetryDelay = firstRetryDelay;
        this.sender = Thread.ofVirtual().name("webhook-events").start(this::sendAll);
    }

    @Override
    public StreamReader onPublished(LiveStream stream) {
        if (!settings.get().enabled()) {
            return null;
        }
        String name = stream.path().stream();
        if (stream.path().isSource()) {
            if (stream.standIn()) {
                return null;
            }
            queue(held.remove(name) ? "publisher_back" : "stream_started", name);
        }
        return new EndWatcher(stream);
    }

    /** Learns when a stream's publisher or one of its renditions goes. */
    private final class EndWatcher implements StreamReader {
        private final LiveStream stream;

        EndWatcher(LiveStream stream) {
            this.stream = stream;
        }

        @Override
        public void onTracks(List<TrackInfo> tracks) {
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
        }

        @Override
        public void onUnpublished() {
            String name = stream.path().stream();
            boolean renditionsOnAir = hub.liveStreams().stream()
                    .anyMatch(live -> live.path().stream().equals(name) && !live.path().isSource());
            if (stream.path().isSource()) {
                if (renditionsOnAir) {
                    held.add(name);
                    queue("publisher_lost", name);
                } else {
                    queue("stream_ended", name);
                }
            } else if (!renditionsOnAir && !hub.isLive(dev.glasscast.media.StreamPath.source(name)) && held.remove(name)) {
                queue("stream_ended", name);
            }
        }
    }

    /** The recorder wrote the end of every rendition of {@code stream}; any thread, only queues. */
    public void recordingReady(String stream) {
        if (settings.get().enabled()) {
            queue("recording_ready", stream);
        }
    }

    private void queue(String type, String stream) {
        Event event = new Event(UUID.randomUUID().toString(), type, stream, clock.instant());
        try {
            if (waiting.offer(event) == HandoffQueue.Offer.REJECTED) {
                log.warn("webhook event {} of {} not sent: {} events are already waiting (is the endpoint down?)",
                        type, stream, MAX_WAITING);
            }
        } catch (InterruptedException e) {
            // A DROP queue never waits.
            Thread.currentThread().interrupt();
        }
    }

    private void sendAll() {
        try {
            while (true) {
                deliver(waiting.take());
            }
        } catch (InterruptedException e) {
            int left = waiting.size();
            if (left > 0) {
                log.warn("{} webhook events not sent: the daemon stopped first", left);
            }
        }
    }

    private void deliver(Event event) throws InterruptedException {
        WebhooksConfig.Events to = settings.get();
        if (!to.enabled()) {
            log.info("webhook event {} of {} not sent: webhooks.events.url is no longer set", event.type(), event.stream());
            return;
        }
        byte[] body = body(event);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-GlassCast-Event", event.type());
        headers.put("X-GlassCast-Delivery", event.id());
        if (to.secret() != null) {
            headers.put(SIGNATURE_HEADER, "sha256=" + hmacSha256Hex(to.secret(), body));
        }
        Duration delay = firstRetryDelay;
        for (int attempt = 0; ; attempt++) {
            String failure;
            try {
                int status = client.post(URI.create(to.url()), body, headers, DELIVERY_TIMEOUT).get();
                if (status >= 200 && status < 300) {
                    log.debug("webhook event {} of {} delivered ({})", event.type(), event.stream(), status);
                    return;
                }
                failure = "answered " + status;
            } catch (ExecutionException e) {
                failure = e.getCause() == null ? e.toString() : e.getCause().toString();
            }
            if (attempt >= to.retries()) {
                log.warn("webhook event {} of {} (id {}) not delivered after {} attempts: {}", event.type(), event.stream(),
                        event.id(), attempt + 1, failure);
                return;
            }
            log.info("webhook event {} of {}: {}; trying again in {} ms", event.type(), event.stream(), failure,
                    delay.toMillis());
            Thread.sleep(delay);
            delay = delay.multipliedBy(2);
        }
    }

    private byte[] body(Event event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event.type());
        body.put("stream", event.stream());
        body.put("at", event.at().toString());
        body.put("id", event.id());
        if (event.type().equals("recording_ready")) {
            body.put("playlist", "/live/" + event.stream() + "/dvr.m3u8");
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lower-case hex HMAC-SHA256 of {@code body} under {@code secret}, as the signature header carries it. */
    static String hmacSha256Hex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        sender.interrupt();
    }
}
