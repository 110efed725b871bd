package dev.glasscast.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole daemon configuration, immutable. Loaded by {@link ConfigLoader} from the embedded
 * defaults, then the operator's YAML file, then {@code GLASSCAST_*} environment overrides.
 * The commented sample file {@code config/glasscast.sample.yaml} documents every key.
 *
 * @param dataDir    where generated secrets, recordings and other state live
 * @param server     HTTP listener and public address
 * @param ingest     RTMP and SRT listeners and the streams that may be published
 * @param ladder     the renditions made from every published stream
 * @param packaging  segment and part durations, DVR window
 * @param cache      the edge cache
 * @param testSource the embedded test pattern publisher
 * @param audio      the audio shared by every rung: copied or encoded once to AAC
 * @param slate      what the renditions carry while the publisher is away
 * @param webhooks   the operator's services GlassCast asks and tells about publishing
 * @param webrtc     the WebRTC (WHEP) endpoint's UDP port and announced address
 */
public record GlassCastConfig(
        Path dataDir,
        ServerConfig server,
        IngestConfig ingest,
        List<RungConfig> ladder,
        PackagingConfig packaging,
        CacheConfig cache,
        TestSourceConfig testSource,
        AudioConfig audio,
        SlateConfig slate,
        WebhooksConfig webhooks,
        WebRtcConfig webrtc) {

    /** What {@code audio} is when a caller does not say: pass the source's AAC through. */
    public static final AudioConfig DEFAULT_AUDIO = new AudioConfig("copy", 128_000);

    public GlassCastConfig {
        ladder = List.copyOf(ladder);
        if (audio == null) {
            audio = DEFAULT_AUDIO;
        }
        if (slate == null) {
            slate = SlateConfig.DEFAULT;
        }
        if (webhooks == null) {
            webhooks = WebhooksConfig.NONE;
        }
        if (webrtc == null) {
            webrtc = WebRtcConfig.OFF;
        }
    }


    public GlassCastConfig withIngest(IngestConfig newIngest) {
        return new GlassCastConfig(dataDir, server, newIngest, ladder, packaging, cache, testSource, audio, slate, webhooks, webrtc);
    }

    public GlassCastConfig withServer(ServerConfig newServer) {
        return new GlassCastConfig(dataDir, newServer, ingest, ladder, packaging, cache, testSource, audio, slate, webhooks, webrtc);
    }

    public GlassCastConfig withTestSource(TestSourceConfig newTestSource) {
        return new GlassCastConfig(dataDir, server, ingest, ladder, packaging, cache, newTestSource, audio, slate, webhooks, webrtc);
    }

    public GlassCastConfig withDataDir(Path newDataDir) {
        return new GlassCastConfig(newDataDir, server, ingest, ladder, packaging, cache, testSource, audio, slate, webhooks, webrtc);
    }

    public GlassCastConfig withLadder(List<RungConfig> newLadder) {
        return new GlassCastConfig(dataDir, server, ingest, newLadder, packaging, cache, testSource, audio, slate, webhooks, webrtc);
    }

    public GlassCastConfig withAudio(AudioConfig newAudio) {
        return new GlassCastConfig(dataDir, server, ingest, ladder, packaging, cache, testSource, newAudio, slate, webhooks, webrtc);
    }

    public GlassCastConfig withPackaging(PackagingConfig newPackaging) {
        return new GlassCastConfig(dataDir, server, ingest, ladder, newPackaging, cache, testSource, audio, slate, webhooks, webrtc);
    }

    public GlassCastConfig withSlate(SlateConfig newSlate) {
        return new GlassCastConfig(dataDir, server, ingest, ladder, packaging, cache, testSource, audio, newSlate, webhooks, webrtc);
    }

    public GlassCastConfig withWebhooks(WebhooksConfig newWebhooks) {
        return new GlassCastConfig(dataDir, server, ingest, ladder, packaging, cache, testSource, audio, slate, newWebhooks, webrtc);
    }

    public GlassCastConfig withWebRtc(WebRtcConfig newWebRtc) {
        return new GlassCastConfig(dataDir, server, ingest, ladder, packaging, cache, testSource, audio, slate, webhooks, newWebRtc);
    }
}
