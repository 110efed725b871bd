package dev.glasscast.ingest.auth;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The operator's say on a publish whose stream key checked out (the {@code on_publish} webhook).
 * Ingest protocols ask it on their event loop and must never wait for the answer there: the
 * future completes on another thread, and the publish goes on (or is refused) when it does.
 */
@FunctionalInterface
public interface PublishAdmission {

    /** Every publisher with a valid key goes live: no webhook configured. */
    PublishAdmission ALLOW_ALL = request -> CompletableFuture.completedFuture(Verdict.ALLOWED);

    /**
     * Never completes exceptionally, and always completes: an endpoint that cannot be asked is
     * a verdict too (allowed or refused, as the operator chose).
     */
    CompletableFuture<Verdict> admit(Request request);

    /**
     * What a publisher presented.
     *
     * @param stream   the stream it publishes, its key already checked
     * @param protocol {@code rtmp} or {@code srt}
     * @param client   its address
     * @param key      the stream key it presented
     */
    record Request(String stream, String protocol, InetAddress client, String key) {

        @Override
        public String toString() {
            return "Request[stream=" + stream + ", protocol=" + protocol + ", client=" + client + ", key=<redacted>]";
        }
    }

    /**
     * @param allowed whether the publisher goes live
     * @param reason  why, for the log (e.g. "on_publish answered 403")
     */
    record Verdict(boolean allowed, String reason) {

        public static final Verdict ALLOWED = new Verdict(true, "no on_publish check");
    }
}
