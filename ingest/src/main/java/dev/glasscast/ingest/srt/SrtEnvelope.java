package dev.glasscast.ingest.srt;

import java.net.InetSocketAddress;

/**
 * An SRT packet with the peer it came from or goes to: what the codec hands the listener and
 * the listener hands the codec.
 */
public record SrtEnvelope(InetSocketAddress peer, SrtPacket packet) {
}
