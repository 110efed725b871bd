package dev.glasscast.ingest.mpegts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the program-specific information: collects PAT and PMT sections (CRC-checked), follows
 * the PAT to the first program's PMT and keeps the PMT's elementary streams, one
 * {@link TsElementaryStream} per supported stream type. Stream types GlassCast does not take are
 * named once per PMT version in a notice to the {@link TsDemuxerListener}.
 *
 * <p>Not thread-safe: runs on the demuxer's thread.
 */
final class TsPsiReader {

    static final int PID_PAT = 0x0000;
    static final int PID_NULL = 0x1FFF;
    static final int MAX_SECTION = 1024;

    /** What a new PAT or PMT changes beyond the program itself. */
    interface Changes {
        /** The PMT moved away from {@code pid}: that PID's packet state can go. */
        void pmtMoved(int pid);

        /** A stream left the program: its packet state and timeline can go. */
        void streamRemoved(int pid);

        /** A new PMT version has set the program's streams. */
        void programChanged();
    }

    private final TsDemuxerListener listener;
    private final Changes changes;
    private final int maxStreams;
    private final Map<Integer, TsElementaryStream> streams = new LinkedHashMap<>();
    private final Map<Integer, TsElementaryStream> streamsView = Collections.unmodifiableMap(streams);
    private int pmtPid = -1;
    private int pmtVersion = -1;
    private int patVersion = -1;
    private long crcErrors;
    private long malformed;

    /**
     * @param listener   receives the notices about unsupported stream types
     * @param changes    told what a new PAT or PMT changes
     * @param maxStreams most elementary streams taken from one PMT
     */
    TsPsiReader(TsDemuxerListener listener, Changes changes, int maxStreams) {
        this.listener = listener;
        this.changes = changes;
        this.maxStreams = maxStreams;
    }

    /** Whether {@code pid} carries sections this reader follows (the PAT, the current PMT). */
    boolean isPsi(int pid) {
        return pid == PID_PAT || pid == pmtPid;
    }

    /** The elementary stream on {@code pid}, or null if the PMT lists none there. */
    TsElementaryStream stream(int pid) {
        return streams.get(pid);
    }

    /** The program's elementary streams by PID, in PMT order; a read-only view. */
    Map<Integer, TsElementaryStream> streams() {
        return streamsView;
    }

    long crcErrors() {
        return crcErrors;
    }

    long malformed() {
        return malformed;
    }

    void onSectionData(TsPidState state, boolean unitStart, byte[] p, int offset, int length) {
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
    private int feedSection(TsPidState state, byte[] p, int pos, int end) {
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
                        changes.pmtMoved(pmtPid);
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
                changes.streamRemoved(pid);
            }
        }
        streams.clear();
        streams.putAll(next);
        changes.programChanged();
    }

    private static TsElementaryStream newStream(int pid, TsStreamType type) {
        return switch (type) {
            case H264 -> new TsH264Stream(pid);
            case AAC_ADTS -> new TsAacStream(pid);
            case H265 -> new TsH265Stream(pid);
        };
    }
}
