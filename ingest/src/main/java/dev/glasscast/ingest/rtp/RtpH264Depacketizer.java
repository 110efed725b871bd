package dev.glasscast.ingest.rtp;

import dev.glasscast.media.codec.NalUnits;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reassembles RFC 6184 packetization-mode=1 payloads (single NAL unit, STAP-A, FU-A) into
 * H.264 access units with 4-byte length prefixes, for WHIP ingest.
 *
 * <p>Packets must arrive in sequence order (a jitter buffer or NACK repair sits in front); a
 * gap in sequence numbers is taken as loss. An access unit ends at the marker bit or, if the
 * marker was lost, at the first packet of another timestamp. Loss inside a fragmented NAL unit
 * drops that NAL unit; any loss marks the unit damaged, and {@link #keyFrameNeeded()} then stays
 * true until an undamaged IDR arrives: that is the signal for a PLI. It is true from the start
 * as well, since a publisher joined mid-stream is of no use before its first key frame.
 *
 * <p>Malformed payloads (truncated aggregation or fragment headers, lengths beyond the packet,
 * STAP-B, MTAP and FU-B, which mode 1 forbids) are dropped and counted, and damage their unit;
 * nothing a peer sends makes this class throw. An access unit that would exceed the size limit
 * is dropped whole (counted, and a key frame is needed), so memory per stream stays bounded.
 *
 * <p>Not thread-safe: one instance per incoming video track, on that track's event loop.
 */
public final class RtpH264Depacketizer {

    /** Default largest access unit, length prefixes included: 4 MiB, far above a 4K IDR. */
    public static final int DEFAULT_MAX_ACCESS_UNIT_SIZE = 4 * 1024 * 1024;

    private enum State {
        /** No access unit is open. */
        IDLE,
        /** An access unit is open and no FU-A is in progress. */
        COLLECTING,
        /** Inside an FU-A: fragments go to {@code fragment}. */
        FRAGMENT,
        /** An FU-A lost a fragment: its remaining fragments are skipped. */
        SKIP_FRAGMENT,
        /** The access unit went over the size limit: its remaining packets are skipped. */
        SKIP_UNIT
    }

    private final int maxAccessUnitSize;
    private final RtpTimestampUnwrapper timestamps = new RtpTimestampUnwrapper();
    private final List<byte[]> nals = new ArrayList<>();
    private final ByteArrayOutputStream fragment = new ByteArrayOutputStream();
    private State state = State.IDLE;
    private boolean started;
    private int lastSequence;
    private int unitTimestamp;
    private int unitBytes;
    private boolean unitDamaged;
    private boolean intact;
    private long lostPackets;
    private long malformedPackets;
    private long droppedUnits;

    /** @param maxAccessUnitSize largest access unit in bytes, prefixes included ({@link #DEFAULT_MAX_ACCESS_UNIT_SIZE}) */
    public RtpH264Depacketizer(int maxAccessUnitSize) {
        if (maxAccessUnitSize < 64) {
            throw new IllegalArgumentException("maxAccessUnitSize too small: " + maxAccessUnitSize);
        }
        this.maxAccessUnitSize = maxAccessUnitSize;
    }

    public RtpH264Depacketizer() {
        this(DEFAULT_MAX_ACCESS_UNIT_SIZE);
    }

    public List<RtpH264AccessUnit> push(RtpPacket packet) {
        return push(packet.sequence(), packet.timestamp(), packet.marker(), packet.payload());
    }

    /**
     * Feeds one packet's payload (not retained; copied as needed) and returns the access units it
     * completed: usually none or one, two when a lost marker is discovered by a marked packet.
     */
    public List<RtpH264AccessUnit> push(int sequence, int timestamp, boolean marker, byte[] payload) {
        List<RtpH264AccessUnit> out = new ArrayList<>(1);
        sequence &= 0xFFFF;
        boolean gap = false;
        if (started) {
            int delta = (short) (sequence - lastSequence);
            if (delta <= 0) {
                // A duplicate or a late packet: its unit has been handed on already.
                return out;
            }
            if (delta > 1) {
                lostPackets += delta - 1;
                gap = true;
            }
        }
        started = true;
        lastSequence = sequence;
        if (state != State.IDLE && timestamp != unitTimestamp) {
            if (gap) {
                // The lost packets may have ended the old unit or begun this one: both are suspect.
                unitDamaged = true;
            }
            flush(out);
        }
        if (state == State.IDLE) {
            openUnit(timestamp);
        }
        if (gap) {
            unitDamaged = true;
            if (state == State.FRAGMENT) {
                fragment.reset();
                state = State.SKIP_FRAGMENT;
            }
        }
        if (state != State.SKIP_UNIT) {
            accept(payload);
        }
        if (marker) {
            flush(out);
        }
        return out;
    }

    /** True until an undamaged IDR has been reassembled after the start or the last loss: time for a PLI. */
    public boolean keyFrameNeeded() {
        return !intact;
    }

    /** Packets missing from the sequence so far. */
    public long lostPackets() {
        return lostPackets;
    }

    /** Packets dropped as malformed so far. */
    public long malformedPackets() {
        return malformedPackets;
    }

    /** Access units dropped whole for exceeding the size limit. */
    public long droppedUnits() {
        return droppedUnits;
    }

    private void openUnit(int timestamp) {
        state = State.COLLECTING;
        unitTimestamp = timestamp;
        unitBytes = 0;
        unitDamaged = false;
    }

    private void accept(byte[] payload) {
        if (payload.length == 0) {
            malformed();
            return;
        }
        int type = payload[0] & 0x1F;
        if (type >= 1 && type <= 23) {
            endOpenFragment();
            addNal(payload, 0, payload.length);
        } else if (type == RtpH264Packetizer.NAL_STAP_A) {
            endOpenFragment();
            acceptStapA(payload);
        } else if (type == RtpH264Packetizer.NAL_FU_A) {
            acceptFuA(payload);
        } else if (type >= 25 && type <= 29) {
            // STAP-B, MTAP16, MTAP24 and FU-B belong to the interleaved mode only.
            malformed();
        }
        // Types 0, 30 and 31 are undefined: RFC 6184 5.4 says to ignore them.
    }

    private void acceptStapA(byte[] payload) {
        // Validate the whole aggregation before taking any unit, so a bad one adds nothing.
        int pos = 1;
        int count = 0;
        while (pos < payload.length) {
            if (pos + 2 > payload.length) {
                malformed();
                return;
            }
            int size = ((payload[pos] & 0xFF) << 8) | (payload[pos + 1] & 0xFF);
            if (size == 0 || size > payload.length - pos - 2) {
                malformed();
                return;
            }
            pos += 2 + size;
            count++;
        }
        if (count == 0) {
            malformed();
            return;
        }
        pos = 1;
        while (pos < payload.length && state != State.SKIP_UNIT) {
            int size = ((payload[pos] & 0xFF) << 8) | (payload[pos + 1] & 0xFF);
            addNal(payload, pos + 2, size);
            pos += 2 + size;
        }
    }

    private void acceptFuA(byte[] payload) {
        if (payload.length < 3) {
            malformed();
            return;
        }
        boolean start = (payload[1] & 0x80) != 0;
        boolean end = (payload[1] & 0x40) != 0;
        if (start && end) {
            malformed();
            return;
        }
        if (start) {
            endOpenFragment();
            fragment.reset();
            fragment.write((payload[0] & 0xE0) | (payload[1] & 0x1F));
            state = State.FRAGMENT;
        } else if (state != State.FRAGMENT) {
            // A middle or end without its start: lost before, already counted as damage if seen.
            unitDamaged = true;
            if (end && state == State.SKIP_FRAGMENT) {
                state = State.COLLECTING;
            }
            return;
        }
        if (unitBytes + 4 + fragment.size() + payload.length - 2 > maxAccessUnitSize) {
            overflow();
            return;
        }
        fragment.write(payload, 2, payload.length - 2);
        if (end) {
            state = State.COLLECTING;
            byte[] nal = fragment.toByteArray();
            fragment.reset();
            addNal(nal, 0, nal.length);
        }
    }

    /** A new NAL unit or fragment start while an FU-A is open means its end was lost. */
    private void endOpenFragment() {
        if (state == State.FRAGMENT || state == State.SKIP_FRAGMENT) {
            fragment.reset();
            unitDamaged = true;
            state = State.COLLECTING;
        }
    }

    private void addNal(byte[] source, int offset, int length) {
        if (unitBytes + 4 + length > maxAccessUnitSize) {
            overflow();
            return;
        }
        byte[] nal = new byte[length];
        System.arraycopy(source, offset, nal, 0, length);
        nals.add(nal);
        unitBytes += 4 + length;
    }

    private void overflow() {
        droppedUnits++;
        nals.clear();
        fragment.reset();
        unitBytes = 0;
        unitDamaged = true;
        state = State.SKIP_UNIT;
    }

    private void malformed() {
        malformedPackets++;
        unitDamaged = true;
    }

    private void flush(List<RtpH264AccessUnit> out) {
        if (state == State.FRAGMENT || state == State.SKIP_FRAGMENT) {
            unitDamaged = true;
        }
        boolean skipped = state == State.SKIP_UNIT;
        state = State.IDLE;
        fragment.reset();
        long timestamp = timestamps.unwrap(unitTimestamp);
        if (unitDamaged) {
            intact = false;
        }
        if (skipped || nals.isEmpty()) {
            nals.clear();
            return;
        }
        boolean keyFrame = false;
        List<byte[]> sps = new ArrayList<>(1);
        List<byte[]> pps = new ArrayList<>(1);
        for (byte[] nal : nals) {
            switch (NalUnits.h264Type(nal[0])) {
                case NalUnits.H264_NAL_SLICE_IDR -> keyFrame = true;
                case NalUnits.H264_NAL_SPS -> sps.add(nal);
                case NalUnits.H264_NAL_PPS -> pps.add(nal);
                default -> {
                }
            }
        }
        if (keyFrame && !unitDamaged) {
            intact = true;
        }
        byte[] data = NalUnits.toLengthPrefixed(nals);
        nals.clear();
        out.add(new RtpH264AccessUnit(timestamp, data, keyFrame, unitDamaged, intact && !unitDamaged, sps, pps));
    }
}
