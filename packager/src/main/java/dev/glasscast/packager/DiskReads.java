package dev.glasscast.packager;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Where an origin renders a media object: at once when its bytes are in memory, else on the
 * executor that reads from disk (the DVR window beyond the store's memory, recordings), so the
 * calling thread, a Netty event loop, never waits for a disk.
 */
public final class DiskReads {

    private final Executor executor;

    /** @param executor reads media whose bytes are on disk (the daemon's {@code disk-read-} threads) */
    public DiskReads(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Renders at once when {@code inMemory}, else on the disk-read executor. */
    public CompletionStage<OriginResponse> render(boolean inMemory, Supplier<OriginResponse> render) {
        return inMemory ? CompletableFuture.completedFuture(render.get()) : CompletableFuture.supplyAsync(render, executor);
    }
}
