package dev.glasscast.ingest.rtcp;

import java.util.List;

/**
 * Source description (RFC 3550 6.5). Only CNAME is kept, the one item RTCP requires and
 * WebRTC uses; other items are skipped when decoding.
 *
 * @param chunks one per source, at most 31
 */
public record RtcpSourceDescription(List<Chunk> chunks) implements RtcpPacket {

    public static final int ITEM_END = 0;
    public static final int ITEM_CNAME = 1;

    /** @param cname the canonical name, or null if the chunk had none */
    public record Chunk(int ssrc, String cname) {
    }

    public RtcpSourceDescription {
        chunks = List.copyOf(chunks);
        if (chunks.size() > 31) {
            throw new IllegalArgumentException("at most 31 chunks");
        }
    }

    public static RtcpSourceDescription cname(int ssrc, String cname) {
        return new RtcpSourceDescription(List.of(new Chunk(ssrc, cname)));
    }
}
