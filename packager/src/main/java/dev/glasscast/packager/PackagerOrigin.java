package dev.glasscast.packager;

import java.util.concurrent.CompletionStage;

/**
 * The packager's one origin for delivery: sends each request to the format that owns its name
 * ({@code manifest.mpd} to DASH, everything else to HLS, whose CMAF objects DASH shares).
 */
public final class PackagerOrigin implements MediaOrigin {

    private final MediaOrigin hls;
    private final NamedObjectsOrigin dash;

    public PackagerOrigin(MediaOrigin hls, NamedObjectsOrigin dash) {
        this.hls = hls;
        this.dash = dash;
    }

    @Override
    public CompletionStage<OriginResponse> render(OriginRequest request) {
        return dash.serves(request) ? dash.render(request) : hls.render(request);
    }
}
