package dev.glasscast.server.api;

import dev.glasscast.config.GlassCastConfig;

/**
 * Where people reach this server: the web base URL for watch links and QR codes
 * ({@code server.public_url}, else the LAN address), and the ingest host and ports for OBS.
 *
 * @param webBase    e.g. {@code http://192.168.1.20:8080}, without a trailing slash
 * @param ingestHost the host OBS connects to
 * @param rtmpPort   RTMP port, or -1 when RTMP is off
 * @param srtPort    SRT port, or -1 when SRT is off
 */
public record PublicAddresses(String webBase, String ingestHost, int rtmpPort, int srtPort) {

    public static PublicAddresses of(GlassCastConfig config, String lanHost, int httpPort, int rtmpPort, int srtPort) {
        String publicUrl = config.server().publicUrl();
        String web = publicUrl != null ? publicUrl.replaceAll("/+$", "") : "http://" + lanHost + ":" + httpPort;
        return new PublicAddresses(web, lanHost, rtmpPort, srtPort);
    }

    public String watchUrl(String stream) {
        return webBase + "/watch/" + stream;
    }

    public String hlsUrl(String stream) {
        return webBase + "/live/" + stream + "/index.m3u8";
    }

    /** OBS's "Server" field for RTMP (the stream key goes in its own field); null when RTMP is off. */
    public String rtmpServer() {
        return rtmpPort > 0 ? "rtmp://" + ingestHost + ":" + rtmpPort + "/live" : null;
    }

    /** OBS's SRT "Server" URL with the key as stream id; null when SRT is off. */
    public String srtUrl(String key, String passphrase, long latencyMicros) {
        if (srtPort <= 0) {
            return null;
        }
        return "srt://" + ingestHost + ":" + srtPort + "?streamid=" + key
                + (passphrase == null ? "" : "&passphrase=" + passphrase) + "&latency=" + latencyMicros;
    }
}
