package dev.glasscast.config;

import java.time.Duration;

/**
 * HTTP calls GlassCast makes to the operator's own services.
 *
 * @param onPublish asked whether a publisher may go live
 * @param events    told what happened to each stream
 */
public record WebhooksConfig(OnPublish onPublish, Events events) {

    /** What {@code webhooks} is when a caller does not say: no calls at all. */
    public static final WebhooksConfig NONE = new WebhooksConfig(
            new OnPublish(null, Duration.ofSeconds(2), false), new Events(null, null, 3));

    public WebhooksConfig {
        if (onPublish == null) {
            onPublish = NONE.onPublish();
        }
        if (events == null) {
            events = NONE.events();
        }
    }

    /**
     * An HTTP POST for every publish whose stream key checked out, before the publisher is
     * accepted: a {@code 2xx} answer allows it, any other answer refuses it.
     *
     * @param url      where to POST (http or https); null for no check
     * @param timeout  how long to wait for the answer; SRT callers give up connecting after 3 s
     * @param failOpen what no answer (no connection, or none within the timeout) means: true
     *                 allows the publish, false refuses it; any answer is a verdict
     */
    public record OnPublish(String url, Duration timeout, boolean failOpen) {

        public boolean enabled() {
            return url != null;
        }

        @Override
        public String toString() {
            return "OnPublish[url=" + (url == null ? "none" : "<set>") + ", timeout=" + timeout + ", failOpen=" + failOpen + "]";
        }
    }

    /**
     * An HTTP POST for each lifecycle event of a stream (started, publisher lost, ended), signed
     * with HMAC-SHA256 and retried with backoff when the endpoint fails.
     *
     * @param url     where to POST (http or https); null for none
     * @param secret  the HMAC-SHA256 key; the signature of the body is sent as
     *                {@code X-GlassCast-Signature: sha256=<hex>}; null sends no signature
     * @param retries how many times a failed delivery is tried again (1 s, 2 s, 4 s... apart)
     */
    public record Events(String url, String secret, int retries) {

        public boolean enabled() {
            return url != null;
        }

        @Override
        public String toString() {
            return "Events[url=" + (url == null ? "none" : "<set>") + ", secret=" + (secret == null ? "none" : "<redacted>")
                    + ", retries=" + retries + "]";
        }
    }
}
