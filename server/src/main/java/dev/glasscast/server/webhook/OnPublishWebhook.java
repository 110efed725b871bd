package dev.glasscast.server.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glasscast.config.WebhooksConfig;
import dev.glasscast.ingest.auth.PublishAdmission;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code on_publish} webhook: POSTs {@code {"stream", "protocol", "client", "key"}} for every
 * publisher whose key checked out. A {@code 2xx} answer allows the publish; any other answer
 * refuses it; no answer (unreachable, timeout, broken connection) allows or refuses as
 * {@code fail_open} says. Reads its settings at each publish, so a config reload applies to the
 * next publisher. Thread-safe.
 */
public final class OnPublishWebhook implements PublishAdmission {

    private static final Logger log = LoggerFactory.getLogger(OnPublishWebhook.class);

    private final Supplier<WebhooksConfig.OnPublish> settings;
    private final WebhookClient client;
    private final ObjectMapper json = new ObjectMapper();

    public OnPublishWebhook(Supplier<WebhooksConfig.OnPublish> settings, WebhookClient client) {
        this.settings = settings;
        this.client = client;
    }

    @Override
    public CompletableFuture<Verdict> admit(Request request) {
        WebhooksConfig.OnPublish on = settings.get();
        if (!on.enabled()) {
            return CompletableFuture.completedFuture(Verdict.ALLOWED);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("stream", request.stream());
        body.put("protocol", request.protocol());
        body.put("client", request.client() == null ? null : request.client().getHostAddress());
        body.put("key", request.key());
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return CompletableFuture.completedFuture(new Verdict(false, "on_publish body: " + e.getMessage()));
        }
        String who = request.stream() + " over " + request.protocol() + " from " + body.get("client");
        return client.post(URI.create(on.url()), bytes, Map.of(), on.timeout())
                .handle((status, failure) -> verdict(on, who, status, failure));
    }

    private static Verdict verdict(WebhooksConfig.OnPublish on, String who, Integer status, Throwable failure) {
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            String why = cause instanceof java.util.concurrent.TimeoutException
                    ? "no answer from on_publish within " + dev.glasscast.config.DurationText.format(on.timeout())
                    : "no answer from on_publish (" + describe(cause) + ")";
            log.warn("publish of {}: {}; fail_open is {}, so it is {}", who, why, on.failOpen(),
                    on.failOpen() ? "allowed" : "refused");
            return new Verdict(on.failOpen(), why);
        }
        if (status >= 200 && status < 300) {
            log.info("publish of {} allowed by on_publish ({})", who, status);
            return new Verdict(true, "on_publish answered " + status);
        }
        log.info("publish of {} refused by on_publish ({})", who, status);
        return new Verdict(false, "on_publish answered " + status);
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
