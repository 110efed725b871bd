package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import dev.glasscast.media.TrackInfo;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Not thread-safe: one thread (an event loop) feeds it; the listener runs on that thread.
 */
public final class TsDemuxer {

    /** Default limit of one PES packet: a 4K intra frame at a high bitrate fits with room. */
    public static final int DEFAULT_MAX_PES_BYTES = 8 * 1024 * 1024;
    /** Default limit of elementary streams taken from one PMT. */
    public static final int DEFAULT_MAX_STREAMS = 16;
    /** Timestamps that go back by more than this (90 kHz ticks: 1 s) are a discontinuity. */
    private static final long BACKWARD_JUMP = 90_000;
    /** Tracks still waiting for their configuration after this much media time (2 s) are left out. */
    private static final long ANNOUNCE_WAIT = 180_000;
    /** Units held while waiting for the announcement: 2 s of 60 fps video plus its audio. */
    private static final int MAX_PENDING_UNITS = 256;

    public static final int PACKET_SIZE = 188;
    private static final int SYNC = 0x47;
    private static final int PID_PAT = 0x0000;
    private static final int PID_NULL = 0x1FFF;
    private static final int MAX_SECTION = 1024;

    private enum State { SEEK_SYNC, IN_PACKET }

    private final TsDemuxerListener listener;
    private final int maxPesBytes;
    private final int maxStreams;

    private State state = State.SEEK_SYNC;
    private final byte[] packet = new byte[PACKET_SIZE];
    private int packetFill;
    private boolean inSync = true;

    private final Map<Integer, PidState> pids = new LinkedHashMap<>();
    private final Map<Integer, TsElementaryStream> streams = new LinkedHashMap<>();
    private int pmtPid = -1;
    private int pmtVersion = -1;
    private int patVersion = -1;
    private final TsTimestampUnwrapper unwrapper = new TsTimestampUnwrapper();
    private long timelineOffset;
    private final Map<Integer, Long> lastDts = new LinkedHashMap<>();
    private List<TrackInfo> announced = List.of();
    private long firstPendingDts = Long.MIN_VALUE;
    private final List<AccessUnit> pending = new ArrayList<>();

    private long packets;
    private long syncLosses;
    private long continuityErrors;
    private long transportErrors;
    private long crcErrors;
    private long pesOverflows;
    private long malformed;
    private long accessUnits;
    private long timestampJumps;

    /**
     * @param listener    receives tracks and access units on the feeding thread
     * @param maxPesBytes largest PES packet kept ({@link #DEFAULT_MAX_PES_BYTES}); bigger ones are dropped
     * @param maxStreams  most elementary streams followed ({@link #DEFAULT_MAX_STREAMS})
     */
    public TsDemuxer(TsDemuxerListener listener, int maxPesBytes, int maxStreams) {
        this.listener = Objects.requireNonNull(listener, "listener");
        if (maxPesBytes < PACKET_SIZE || maxStreams < 1) {
            throw new IllegalArgumentException("limits too small");
        }
        this.maxPesBytes = maxPesBytes;
        this.maxStreams = maxStreams;
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
        for (PidState pid : pids.values()) {
            pid.pesOpen = false;
            pid.pesFill = 0;
        }
    }

    /** Delivers what is still buffered (the last PES of each stream), e.g. at the end of a complete file. */
    public void flush() {
        for (Map.Entry<Integer, TsElementaryStream> entry : streams.entrySet()) {
            PidState pid = pids.get(entry.getKey());
            if (pid != null) {
                finishPes(pid, entry.getValue());
            }
        }
    }

    public TsDemuxerStats stats() {
        return new TsDemuxerStats(packets, syncLosses, continuityErrors, transportErrors, crcErrors, pesOverflows,
                malformed, accessUnits, timestampJumps);
    }

    /** The tracks announced last; empty until the first announcement. */
    public List<TrackInfo> tracks() {
        return announced;
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
        if (pid == PID_NULL) {
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
        PidState state = pidState(pid);
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
        if (pid == PID_PAT || pid == pmtPid) {
            onSectionData(state, unitStart, p, offset, PACKET_SIZE - offset);
            return;
        }
        TsElementaryStream stream = streams.get(pid);
        if (stream != null) {
            onPesData(state, stream, unitStart, p, offset, PACKET_SIZE - offset);
        }
    }

    /** The per-PID state, or null for PIDs nobody asked for (kept out so garbage cannot grow the map). */
    private PidState pidState(int pid) {
        if (pid != PID_PAT && pid != pmtPid && !streams.containsKey(pid)) {
            return null;
        }
        return pids.computeIfAbsent(pid, p -> new PidState());
    }

    // ---- PSI ----------------------------------------------------------------------------------

    private void onSectionData(PidState state, boolean unitStart, byte[] p, int offset, int length) {
        int pos = offset;
        int end = offset + length;
        if (state.corrupt) {
            state.corrupt = false;
            state.sectionOpen = false;
        }
        if (!unitStart) {
            if (state.sectionOpen) {
                feedSection(state, p, pos, end);
            }
            return;
        }
        int pointer = p[pos] & 0xFF;
        pos++;
        if (state.sectionOpen) {
            feedSection(state, p, pos, Math.min(pos + pointer, end));
        }
        pos += pointer;
        // Several sections may follow each other; 0xFF stuffing ends the packet's sections.
        while (pos < end && (p[pos] & 0xFF) != 0xFF) {
            state.sectionFill = 0;
            state.sectionOpen = true;
            pos = feedSection(state, p, pos, end);
            if (state.sectionOpen) {
                break;
            }
        }
    }

    /** Copies section bytes from {@code p[pos, end)}; parses the section once complete. Returns the new position. */
    private int feedSection(PidState state, byte[] p, int pos, int end) {
        while (pos < end && state.sectionOpen) {
            int need = state.sectionFill < 3 ? 3 - state.sectionFill : sectionLength(state.section) - state.sectionFill;
            int n = Math.min(need, end - pos);
            System.arraycopy(p, pos, state.section, state.sectionFill, n);
            state.sectionFill += n;
            pos += n;
            if (state.sectionFill < 3) {
                continue;
            }
            int total = sectionLength(state.section);
            if (total > MAX_SECTION || total < 12) {
                malformed++;
                state.sectionOpen = false;
                return end;
            }
            if (state.sectionFill == total) {
                state.sectionOpen = false;
                parseSection(state.section, total);
            }
        }
        return pos;
    }

    private static int sectionLength(byte[] section) {
        return 3 + (((section[1] & 0x0F) << 8) | (section[2] & 0xFF));
    }

    private void parseSection(byte[] s, int length) {
        if (TsCrc32.compute(s, 0, length) != 0) {
            crcErrors++;
            return;
        }
        boolean currentNext = (s[5] & 0x01) != 0;
        if (!currentNext) {
            return;
        }
        int version = (s[5] >> 1) & 0x1F;
        int tableId = s[0] & 0xFF;
        int loopEnd = length - 4;
        if (tableId == 0x00) {
            parsePat(s, version, loopEnd);
        } else if (tableId == 0x02) {
            parsePmt(s, version, loopEnd);
        }
    }

    /** program_association_section: 8 header bytes, then (program_number 16, reserved 3, PID 13)*. */
    private void parsePat(byte[] s, int version, int loopEnd) {
        if (version == patVersion && pmtPid >= 0) {
            return;
        }
        for (int i = 8; i + 4 <= loopEnd; i += 4) {
            int program = ((s[i] & 0xFF) << 8) | (s[i + 1] & 0xFF);
            int pid = ((s[i + 2] & 0x1F) << 8) | (s[i + 3] & 0xFF);
            if (program != 0) {
                patVersion = version;
                if (pid != pmtPid) {
                    if (pmtPid >= 0) {
                        pids.remove(pmtPid);
                    }
                    pmtPid = pid;
                    pmtVersion = -1;
                }
                return;
            }
        }
    }

    /**
     * TS_program_map_section: 12 header bytes ending in program_info_length, the program
     * descriptors, then (stream_type 8, reserved 3, elementary_PID 13, reserved 4,
     * ES_info_length 12, descriptors)*.
     */
    private void parsePmt(byte[] s, int version, int loopEnd) {
        if (version == pmtVersion) {
            return;
        }
        int programInfoLength = ((s[10] & 0x0F) << 8) | (s[11] & 0xFF);
        Map<Integer, TsElementaryStream> next = new LinkedHashMap<>();
        int i = 12 + programInfoLength;
        while (i + 5 <= loopEnd && next.size() < maxStreams) {
            int streamType = s[i] & 0xFF;
            int pid = ((s[i + 1] & 0x1F) << 8) | (s[i + 2] & 0xFF);
            int esInfoLength = ((s[i + 3] & 0x0F) << 8) | (s[i + 4] & 0xFF);
            i += 5 + esInfoLength;
            TsStreamType type = TsStreamType.of(streamType);
            if (type == null || pid == PID_PAT || pid == pmtPid || pid == PID_NULL) {
                String unsupported = TsStreamType.unsupportedMediaName(streamType);
                if (unsupported != null) {
                    listener.onNotice(unsupported + " (PID " + pid + ") is ignored: GlassCast takes H.264 or HEVC "
                            + "video and AAC audio; choose those in the encoder");
                }
                continue;
            }
            TsElementaryStream existing = streams.get(pid);
            TsElementaryStream stream = existing != null && existing.type == type ? existing : newStream(pid, type);
            if (stream != null) {
                next.put(pid, stream);
            }
        }
        pmtVersion = version;
        for (Integer pid : streams.keySet()) {
            if (!next.containsKey(pid)) {
                pids.remove(pid);
                lastDts.remove(pid);
            }
        }
        streams.clear();
        streams.putAll(next);
        firstPendingDts = Long.MIN_VALUE;
        pending.removeIf(unit -> !streams.containsKey(unit.trackId()));
        List<TrackInfo> stillThere = new ArrayList<>();
        for (TrackInfo track : announced) {
            TsElementaryStream stream = streams.get(track.trackId());
            if (stream != null && stream.track() == track) {
                stillThere.add(track);
            }
        }
        if (!announced.isEmpty()) {
            // Downstream may have to reconfigure even when the tracks look alike (new program).
            announce(stillThere);
        }
    }

    private static TsElementaryStream newStream(int pid, TsStreamType type) {
        return switch (type) {
            case H264 -> new TsH264Stream(pid);
            case AAC_ADTS -> new TsAacStream(pid);
            case H265 -> new TsH265Stream(pid);
        };
    }

    // ---- PES ----------------------------------------------------------------------------------

    private void onPesData(PidState state, TsElementaryStream stream, boolean unitStart, byte[] p, int offset, int length) {
        if (unitStart) {
            if (state.corrupt) {
                state.pesOpen = false; // the previous PES lost packets
            }
            finishPes(state, stream);
            state.corrupt = false;
            state.pesFill = 0;
            state.pesOpen = true;
        } else if (!state.pesOpen) {
            return;
        }
        if (state.corrupt) {
            // A packet of this PES was lost: the rest is garbage to the decoder, skip to the next PES.
            state.pesOpen = false;
            state.pesFill = 0;
            return;
        }
        if (state.pesFill + length > maxPesBytes) {
            pesOverflows++;
            state.pesOpen = false;
            state.pesFill = 0;
            return;
        }
        state.ensurePesCapacity(state.pesFill + length);
        System.arraycopy(p, offset, state.pes, state.pesFill, length);
        state.pesFill += length;
        if (state.pesFill >= 6) {
            int declared = ((state.pes[4] & 0xFF) << 8) | (state.pes[5] & 0xFF);
            if (declared != 0 && state.pesFill >= 6 + declared) {
                finishPes(state, stream);
            }
        }
    }

    private void finishPes(PidState state, TsElementaryStream stream) {
        if (!state.pesOpen || state.pesFill == 0) {
            return;
        }
        state.pesOpen = false;
        byte[] pes = state.pes;
        int length = state.pesFill;
        state.pesFill = 0;
        // PES_packet: packet_start_code_prefix 24 | stream_id 8 | PES_packet_length 16 |
        // '10' flags 6 | PTS_DTS_flags 2 | flags 6 | PES_header_data_length 8 | PTS 40 | DTS 40 ...
        if (length < 9 || pes[0] != 0 || pes[1] != 0 || pes[2] != 1) {
            malformed++;
            return;
        }
        int declared = ((pes[4] & 0xFF) << 8) | (pes[5] & 0xFF);
        int end = declared == 0 ? length : Math.min(length, 6 + declared);
        int ptsDtsFlags = (pes[7] >> 6) & 0x3;
        int payload = 9 + (pes[8] & 0xFF);
        if (payload > end || (ptsDtsFlags & 0x2) == 0 || (ptsDtsFlags == 3 ? 19 : 14) > payload) {
            malformed++;
            return;
        }
        long pts = unwrapper.unwrap(readTimestamp(pes, 9));
        long dts = ptsDtsFlags == 3 ? unwrapper.unwrap(readTimestamp(pes, 14)) : pts;
        boolean clean = stream.onPes(pts, dts, pes, payload, end - payload, this::onAccessUnit);
        if (!clean) {
            malformed++;
        }
    }

    private static long readTimestamp(byte[] b, int i) {
        return ((long) (b[i] & 0x0E) << 29)
                | ((long) (b[i + 1] & 0xFF) << 22)
                | ((long) (b[i + 2] & 0xFE) << 14)
                | ((long) (b[i + 3] & 0xFF) << 7)
                | ((b[i + 4] & 0xFE) >>> 1);
    }

    // ---- tracks and access units --------------------------------------------------------------

    private void onAccessUnit(AccessUnit unit) {
        TsElementaryStream stream = streams.get(unit.trackId());
        TrackInfo track = stream == null ? null : stream.track();
        if (track == null) {
            return;
        }
        if (!announced.contains(track)) {
            if (!announceIfReady(unit.dts())) {
                // Hold units of configured tracks while the others learn theirs, so none are lost.
                if (pending.size() < MAX_PENDING_UNITS) {
                    pending.add(unit);
                }
                return;
            }
            if (!pending.isEmpty()) {
                List<AccessUnit> held = new ArrayList<>(pending);
                pending.clear();
                for (AccessUnit heldUnit : held) {
                    if (isAnnounced(heldUnit.trackId())) {
                        deliver(heldUnit);
                    }
                }
            }
            if (!announced.contains(track)) {
                return;
            }
        }
        deliver(unit);
    }

    private boolean isAnnounced(int pid) {
        TsElementaryStream stream = streams.get(pid);
        return stream != null && announced.contains(stream.track());
    }

    private void deliver(AccessUnit unit) {
        long dts = unit.dts() + timelineOffset;
        Long previous = lastDts.get(unit.trackId());
        if (previous != null && dts < previous) {
            if (previous - dts > BACKWARD_JUMP) {
                // The encoder restarted or spliced: continue the timeline right after the last unit.
                timestampJumps++;
                timelineOffset += previous - dts + 1;
                dts = previous + 1;
                listener.onDiscontinuity();
            } else {
                dts = previous;
            }
        }
        long pts = Math.max(dts, unit.pts() + (dts - unit.dts()));
        lastDts.put(unit.trackId(), dts);
        accessUnits++;
        listener.onAccessUnit(dts == unit.dts() && pts == unit.pts()
                ? unit : new AccessUnit(unit.trackId(), dts, pts, unit.duration(), unit.keyFrame(), unit.data()));
    }

    /**
     * Announces the tracks when every stream of the PMT knows its configuration, or when some
     * have waited {@link #ANNOUNCE_WAIT} for the others (a PMT may list a stream that never comes).
     */
    private boolean announceIfReady(long dts) {
        List<TrackInfo> ready = new ArrayList<>();
        for (TsElementaryStream stream : streams.values()) {
            if (stream != null && stream.track() != null) {
                ready.add(stream.track());
            }
        }
        boolean all = ready.size() == streams.size();
        if (!all) {
            if (firstPendingDts == Long.MIN_VALUE) {
                firstPendingDts = dts;
            }
            if (dts - firstPendingDts < ANNOUNCE_WAIT) {
                return false;
            }
        }
        if (!ready.equals(announced)) {
            announce(ready);
        }
        return true;
    }

    private void announce(List<TrackInfo> tracks) {
        announced = List.copyOf(tracks);
        listener.onTracks(announced);
    }

    /** Reassembly state of one PID. */
    private static final class PidState {
        int lastContinuity = -1;
        boolean corrupt;
        final byte[] section = new byte[MAX_SECTION];
        int sectionFill;
        boolean sectionOpen;
        byte[] pes = new byte[4096];
        int pesFill;
        boolean pesOpen;

        void ensurePesCapacity(int capacity) {
            if (capacity > pes.length) {
                pes = Arrays.copyOf(pes, Math.max(capacity, pes.length * 2));
            }
        }
    }
}
