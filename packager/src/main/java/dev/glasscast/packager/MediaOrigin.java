package dev.glasscast.packager;

import java.util.concurrent.CompletionStage;

/**
 * Renders packaged objects on request: the one interface between delivery (the edge cache and
 * the HTTP server) and the packager.
 *
 * <p>A render never blocks the caller's thread. Most complete at once; a blocking playlist
 * reload ({@code _HLS_msn}/{@code _HLS_part}) completes when the part it waits for exists.
 */
public interface MediaOrigin {

    CompletionStage<OriginResponse> render(OriginRequest request);
}
