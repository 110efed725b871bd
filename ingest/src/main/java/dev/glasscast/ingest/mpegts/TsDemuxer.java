package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.TrackInfo;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Demultiplexes one MPEG-TS program (ISO/IEC 13818-1) into tracks and access units.
 *
 * <p>Feed it bytes in any chunking; it finds 188-byte packets by their 0x47 sync byte and
 * resynchronises after garbage. It follows the PAT to the first program's PMT (CRC-checked,
 * version changes re-announce the tracks), reassembles PES packets of the H.264, H.265 and AAC/ADTS
 * streams, unwraps the 33-bit clock into monotonic 64-bit 90 kHz time, and reports through a
 * {@link TsDemuxerListener}. Nothing it is fed can make it throw: bad packets are counted in
 * {@link #stats()} and skipped.
 *
 * <p>This class finds the packets and checks their continuity; the rest of the route is one
 * class a job: {@link TsPsiReader} (PAT, PMT, stream types), {@link TsPesAssembler} (PES packets
 * and their timestamps, into each stream's {@link TsElementaryStream}) and
 * {@link TsTrackDelivery} (track announcements and the timeline handed to the listener).
 *
 * <p>Not thread-safe: one thread (an event loop) feeds it; the listener runs on that thread.
 */
public final class TsDemuxer {

    /** Default limit of one PES packet: a 4K intra frame at a high bitrate fits with room. */
    public static final int DEFAULT_MAX_PES_BYTES = 8 * 1024 * 1024;
    /** Default limit of elementary streams taken from one PMT. */
    public static final int DEFAULT_MAX_STREAMS = 16;
    public static final int PACKET_SIZE = 188;
    private static final int SYNC = 0x47;

    private enum State { SEEK_SYNC, IN_PACKET }

    private final TsPsiReader psi;
    private final TsPesAssembler pes;
    private final TsTrackDelivery delivery;

    private State state = State.SEEK_SYNC;
    private final byte[] packet = new byte[PACKET_SIZE];
    private int packetFill;
    private boolean inSync = true;

    private final Map<Integer, TsPidState> pids = new LinkedHashMap<>();

    private long packets;
    private long syncLosses;
    private long continuityErrors;
    private long transportErrors;
    private long malformed;

    /**
     * @param listener    receives tracks and access units on the feeding thread
     * @param maxPesBytes largest PES packet kept ({@link #DEFAULT_MAX_PES_BYTES}); bigger ones are dropped
     * @param maxStreams  most elementary streams followed ({@link #DEFAULT_MAX_STREAMS})
     */
    public TsDemuxer(TsDemuxerListener listener, int maxPesBytes, int maxStreams) {
        Objects.requireNonNull(listener, "listener");
        if (maxPesBytes < PACKET_SIZE || maxStreams < 1) {
            throw new IllegalArgumentException("limits too small");
        }
        this.psi = new TsPsiReader(listener, new TsPsiReader.Changes() {
            @Override
            public void pmtMoved(int pid) {
                pids.remove(pid);
            }

            @Override
            public void streamRemoved(int pid) {
                pids.remove(pid);
                delivery.streamRemoved(pid);
            }

            @Override
            public void programChanged() {
                delivery.programChanged();
            }
        }, maxStreams);
        this.delivery = new TsTrackDelivery(listener, psi);
        this.pes = new TsPesAssembler(maxPesBytes, delivery::onAccessUnit);
    }

    public TsDemuxer(TsDemuxerListener listener) {
        this(listener, DEFAULT_MAX_PES_BYTES, DEFAULT_MAX_STREAMS);
    }

    /** Reads all readable bytes of {@code data}; the caller keeps ownership and releases it. */
    public void feed(ByteBuf data) {
        if (data.hasArray()) {
            feed(data.array(), data.arrayOffset() + data.readerIndex(), data.readableBytes());
        } else {
            byte[] copy = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), copy);
            feed(copy, 0, copy.length);
        }
        data.skipBytes(data.readableBytes());
    }

    public void feed(byte[] data, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            switch (state) {
                case SEEK_SYNC -> {
                    if ((data[pos] & 0xFF) == SYNC) {
                        packet[0] = data[pos];
                        packetFill = 1;
                        state = State.IN_PACKET;
                    } else if (inSync) {
                        inSync = false;
                        syncLosses++;
                    }
                    pos++;
                }
                case IN_PACKET -> {
                    int n = Math.min(PACKET_SIZE - packetFill, end - pos);
                    System.arraycopy(data, pos, packet, packetFill, n);
                    packetFill += n;
                    pos += n;
                    if (packetFill == PACKET_SIZE) {
                        packetFill = 0;
                        inSync = true;
                        state = State.SEEK_SYNC;
                        parsePacket();
                    }
                }
            }
        }
    }

    /**
     * Ends a stream whose last bytes may never have been sent, as when an SRT caller closes:
     * libsrt's live mode does not linger, so whatever the encoder had written but libsrt had not
     * yet sent is lost with the connection. A PES still being collected then is not known to be
     * whole: with a PES_packet_length it would have been delivered on its last byte already, and
     * without one (video, as muxers write it) only the next PES proves it ended. A cut frame does
     * not decode, so each is dropped: a whole last frame is lost with it, a corrupt one never
     * reaches a viewer. {@link #flush()} is for input known to be complete (a file).
     */
    public void discardUnfinished() {
        for (TsPidState pid : pids.values()) {
            pid.discardPes();
        }
    }

    /** Delivers what is still buffered (the last PES of each stream), e.g. at the end of a complete file. */
    public void flush() {
        for (Map.Entry<Integer, TsElementaryStream> entry : psi.streams().entrySet()) {
            TsPidState pid = pids.get(entry.getKey());
            if (pid != null) {
                pes.finish(pid, entry.getValue());
            }
        }
    }

    public TsDemuxerStats stats() {
        return new TsDemuxerStats(packets, syncLosses, continuityErrors, transportErrors, psi.crcErrors(),
                pes.pesOverflows(), malformed + psi.malformed() + pes.malformed(), delivery.accessUnits(),
                delivery.timestampJumps());
    }

    /** The tracks announced last; empty until the first announcement. */
    public List<TrackInfo> tracks() {
        return delivery.announced();
    }

    private void parsePacket() {
        packets++;
        byte[] p = packet;
        if ((p[1] & 0x80) != 0) {
            transportErrors++;
            return;
        }
        boolean unitStart = (p[1] & 0x40) != 0;
        int pid = ((p[1] & 0x1F) << 8) | (p[2] & 0xFF);
        if (pid == TsPsiReader.PID_NULL) {
            return;
        }
        int adaptation = (p[3] >> 4) & 0x3;
        int continuity = p[3] & 0x0F;
        int offset = 4;
        boolean discontinuity = false;
        if ((adaptation & 0x2) != 0) {
            int adaptationLength = p[4] & 0xFF;
            discontinuity = adaptationLength > 0 && (p[5] & 0x80) != 0;
            offset = 5 + adaptationLength;
            if (offset > PACKET_SIZE) {
                malformed++;
                return;
            }
        }
        boolean hasPayload = (adaptation & 0x1) != 0;
        TsPidState state = pidState(pid);
        if (state == null) {
            return;
        }
        if (hasPayload) {
            if (state.lastContinuity >= 0 && !discontinuity) {
                if (continuity == state.lastContinuity) {
                    return; // a permitted duplicate packet
                }
                if (continuity != ((state.lastContinuity + 1) & 0x0F)) {
                    continuityErrors++;
                    state.corrupt = true;
                }
            }
            state.lastContinuity = continuity;
        }
        if (!hasPayload || offset >= PACKET_SIZE) {
            return;
        }
        if (psi.isPsi(pid)) {
            psi.onSectionData(state, unitStart, p, offset, PACKET_SIZE - offset);
            return;
        }
        TsElementaryStream stream = psi.stream(pid);
        if (stream != null) {
            pes.onPesData(state, stream, unitStart, p, offset, PACKET_SIZE - offset);
        }
    }

    /** The per-PID state, or null for PIDs nobody asked for (kept out so garbage cannot grow the map). */
    private TsPidState pidState(int pid) {
        if (!psi.isPsi(pid) && psi.stream(pid) == null) {
            return null;
        }
        return pids.computeIfAbsent(pid, p -> new TsPidState());
    }
}
