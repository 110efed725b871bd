package dev.glasscast.packager.dash;

import dev.glasscast.media.StreamPath;
import dev.glasscast.packager.CacheKind;
import dev.glasscast.packager.NamedObjectsOrigin;
import dev.glasscast.packager.OriginRequest;
import dev.glasscast.packager.OriginResponse;
import dev.glasscast.packager.window.RenditionLookup;
import dev.glasscast.packager.window.RenditionSnapshot;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves {@code /live/{stream}/manifest.mpd}: a dynamic MPD while the stream is live (and for
 * {@code reconnectGrace} after its publisher stopped, so a reconnect continues it with a new
 * Period), a static one once it is over. The MPD's segments and init segments are the CMAF
 * objects HLS lists too ({@code {rendition}/seg{N}.m4s}, {@code {rendition}/init{N}.mp4}, named by
 * {@link dev.glasscast.packager.cmaf.CmafResource}), served by
 * {@link dev.glasscast.packager.cmaf.CmafObjectOrigin}, which also streams an open segment part by
 * part for low-latency DASH.
 */
public final class DashOrigin implements NamedObjectsOrigin {

    public static final String MANIFEST = "manifest.mpd";
    public static final String MPD = "application/dash+xml";

    private final RenditionLookup store;
    private final DashManifestRenderer renderer = new DashManifestRenderer();
    private final Duration timeShiftBuffer;
    private final Duration minimumUpdatePeriod;
    private final String utcTiming;
    private final Duration latencyTarget;
    private final Duration availabilityTimeOffset;
    private final Clock clock;
    private final Duration reconnectGrace;

    /**
     * @param timeShiftBuffer     the DVR window
     * @param minimumUpdatePeriod how often live players reload the MPD (a segment duration)
     * @param utcTiming           URL of the ISO-8601 time endpoint (e.g. {@code /time})
     * @param latencyTarget       the ServiceDescription latency target, or null for none
     * @param availabilityTimeOffset low-latency DASH (segment minus part duration; the HTTP layer
     *                            must stream open segments, see CmafObjectOrigin#streamIfOpen), or null
     * @param clock               wall clock for the reconnect grace
     * @param reconnectGrace      how long an unpublished stream's MPD stays dynamic
     */
    public DashOrigin(RenditionLookup store, Duration timeShiftBuffer, Duration minimumUpdatePeriod, String utcTiming,
                      Duration latencyTarget, Duration availabilityTimeOffset, Clock clock, Duration reconnectGrace) {
        this.availabilityTimeOffset = availabilityTimeOffset;
        this.store = store;
        this.timeShiftBuffer = timeShiftBuffer;
        this.minimumUpdatePeriod = minimumUpdatePeriod;
        this.utcTiming = utcTiming;
        this.latencyTarget = latencyTarget;
        this.clock = clock;
        this.reconnectGrace = reconnectGrace;
    }

    @Override
    public boolean serves(OriginRequest request) {
        return request.rendition() == null && MANIFEST.equals(request.resource());
    }

    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        if (!StreamPath.isValidName(request.stream())) {
            return CompletableFuture.completedFuture(OriginResponse.badRequest("invalid stream name"));
        }
        if (!serves(request)) {
            return CompletableFuture.completedFuture(OriginResponse.notFound("no DASH object " + request.resource()));
        }
        List<RenditionSnapshot> renditions = store.renditions(request.stream());
        if (renditions.isEmpty()) {
            return CompletableFuture.completedFuture(OriginResponse.notFound("no stream " + request.stream()));
        }
        Instant now = clock.instant();
        boolean over = renditions.stream().allMatch(r -> r.ended() && !now.isBefore(r.updatedAt().plus(reconnectGrace)));
        Optional<String> mpd = renderer.render(renditions, new DashManifestRenderer.View(over, timeShiftBuffer,
                minimumUpdatePeriod, utcTiming, latencyTarget, availabilityTimeOffset));
        if (mpd.isEmpty()) {
            return CompletableFuture.completedFuture(OriginResponse.notFound("stream " + request.stream() + " has no video yet"));
        }
        Instant lastModified = renditions.stream().map(RenditionSnapshot::updatedAt).max(Instant::compareTo).orElse(null);
        return CompletableFuture.completedFuture(new OriginResponse(200, MPD,
                over ? CacheKind.VOD_MANIFEST : CacheKind.LIVE_MANIFEST, lastModified,
                Unpooled.wrappedBuffer(mpd.get().getBytes(StandardCharsets.UTF_8))));
    }
}
