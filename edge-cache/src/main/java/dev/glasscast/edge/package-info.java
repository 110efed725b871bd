/**
 * The in-process caching tier between the packager's {@link dev.glasscast.packager.MediaOrigin}
 * and the HTTP server.
 *
 * <h2>Wiring (server module)</h2>
 * <pre>{@code
 * EdgeCacheSettings settings = EdgeCacheSettings.from(config.cache(), config.packaging());
 * EdgeCache edge = new EdgeCache(packagerOrigin, settings);          // close() on shutdown
 * HttpCacheSemantics http = HttpCacheSemantics.from(config.packaging(), settings, "*");
 * new EdgeCacheMetrics(edge, settings.maxBytes()).bindTo(meterRegistry); // optional
 * // on stream unpublished: edge.invalidateStream(name);
 * }</pre>
 *
 * <h2>Per media request</h2>
 * <pre>{@code
 * edge.fetch(originRequest).whenComplete((response, failure) -> eventLoop.execute(() -> {
 *     // failure: 500, no-store. Otherwise:
 *     ObjectMetadata object = response.metadata();
 *     headers.add(http.headersFor(originRequest, object));   // Cache-Control, ETag, Last-Modified, CORS...
 *     if (http.isNotModified(ifNoneMatch, ifModifiedSince, object, Instant.now())) {
 *         response.release(); send 304 with those headers and no body;
 *     } else switch (http.range(rangeHeader, ifRangeHeader, object)) {
 *         case RangeDecision.Full f -> send status (200/404...) with response.body();    // body owned by the write
 *         case RangeDecision.Partial p -> { ByteBuf part = response.body().retainedSlice((int) p.first(), (int) p.length());
 *                                           response.release(); send 206, Content-Range p.contentRange(), part; }
 *         case RangeDecision.Unsatisfiable u -> { response.release(); send 416, Content-Range u.contentRange(); }
 *     }
 * }));
 * }</pre>
 * Every {@link dev.glasscast.edge.EdgeResponse} body is a zero-copy view that the receiver
 * releases exactly once; a HEAD releases it and sends the headers with Content-Length.
 */
package dev.glasscast.edge;
