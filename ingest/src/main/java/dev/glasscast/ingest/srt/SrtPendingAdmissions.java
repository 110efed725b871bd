package dev.glasscast.ingest.srt;

import dev.glasscast.ingest.auth.PublishAdmission;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The on_publish verdicts still coming, per caller. An SRT caller repeats its conclusion
 * handshake (every 250 ms in libsrt) until it is answered or gives up (3 s by default): the first
 * one asks the webhook and goes unanswered, and the first repeat after the verdict gets the
 * answer. Bounded: a flood of callers with valid keys cannot grow it past {@link #MAX_PENDING};
 * the oldest are forgotten (their callers, if still there, ask again).
 * Not thread-safe: used on the listener's event loop (the futures complete elsewhere).
 */
final class SrtPendingAdmissions {

    static final int MAX_PENDING = 256;
    /** Longer than any caller waits for a conclusion answer. */
    static final long FORGET_AFTER_MILLIS = 15_000;

    private record Caller(InetSocketAddress address, int socketId) {
    }

    private record Pending(CompletableFuture<PublishAdmission.Verdict> verdict, long askedAtMillis) {
    }

    private final Map<Caller, Pending> pending = new LinkedHashMap<>();

    /**
     * The verdict for this caller's publish, asking {@code ask} the first time; null while it is
     * still coming (send nothing: the caller will repeat its handshake).
     */
    PublishAdmission.Verdict verdict(InetSocketAddress address, int socketId, long nowMillis,
                                     Supplier<CompletableFuture<PublishAdmission.Verdict>> ask) {
        forgetOld(nowMillis);
        Caller caller = new Caller(address, socketId);
        Pending asked = pending.get(caller);
        if (asked == null) {
            CompletableFuture<PublishAdmission.Verdict> verdict = ask.get();
            if (verdict.isDone()) {
                return verdictOf(verdict);
            }
            if (pending.size() >= MAX_PENDING) {
                Iterator<Caller> oldest = pending.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            pending.put(caller, new Pending(verdict, nowMillis));
            return null;
        }
        if (!asked.verdict().isDone()) {
            return null;
        }
        pending.remove(caller);
        return verdictOf(asked.verdict());
    }

    int size() {
        return pending.size();
    }

    private void forgetOld(long nowMillis) {
        pending.values().removeIf(asked -> nowMillis - asked.askedAtMillis() > FORGET_AFTER_MILLIS);
    }

    private static PublishAdmission.Verdict verdictOf(CompletableFuture<PublishAdmission.Verdict> done) {
        try {
            return done.join();
        } catch (RuntimeException e) {
            return new PublishAdmission.Verdict(false, "on_publish failed: " + e);
        }
    }
}
