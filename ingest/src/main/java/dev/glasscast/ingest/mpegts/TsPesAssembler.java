package dev.glasscast.ingest.mpegts;

import dev.glasscast.media.AccessUnit;
import java.util.function.Consumer;

/**
 * Collects the PES packets of the program's elementary streams from their TS packets, reads
 * their timestamps (unwrapped into monotonic 64-bit 90 kHz time) and hands each complete payload
 * to its {@link TsElementaryStream}, whose access units go to the delivery. A PES that lost a
 * packet, or outgrows {@code maxPesBytes}, is dropped whole: a decoder would only make garbage
 * of it.
 *
 * <p>Not thread-safe: runs on the demuxer's thread.
 */
final class TsPesAssembler {

    private final int maxPesBytes;
    private final Consumer<AccessUnit> delivery;
    private final TsTimestampUnwrapper unwrapper = new TsTimestampUnwrapper();
    private long pesOverflows;
    private long malformed;

    /**
     * @param maxPesBytes largest PES packet kept; bigger ones are dropped
     * @param delivery    receives the access units the streams make of the payloads
     */
    TsPesAssembler(int maxPesBytes, Consumer<AccessUnit> delivery) {
        this.maxPesBytes = maxPesBytes;
        this.delivery = delivery;
    }

    long pesOverflows() {
        return pesOverflows;
    }

    long malformed() {
        return malformed;
    }

    void onPesData(TsPidState state, TsElementaryStream stream, boolean unitStart, byte[] p, int offset, int length) {
        if (unitStart) {
            if (state.corrupt) {
                state.pesOpen = false; // the previous PES lost packets
            }
            finish(state, stream);
            state.corrupt = false;
            state.pesFill = 0;
            state.pesOpen = true;
        } else if (!state.pesOpen) {
            return;
        }
        if (state.corrupt) {
            // A packet of this PES was lost: the rest is garbage to the decoder, skip to the next PES.
            state.discardPes();
            return;
        }
        if (state.pesFill + length > maxPesBytes) {
            pesOverflows++;
            state.discardPes();
            return;
        }
        state.ensurePesCapacity(state.pesFill + length);
        System.arraycopy(p, offset, state.pes, state.pesFill, length);
        state.pesFill += length;
        if (state.pesFill >= 6) {
            int declared = ((state.pes[4] & 0xFF) << 8) | (state.pes[5] & 0xFF);
            if (declared != 0 && state.pesFill >= 6 + declared) {
                finish(state, stream);
            }
        }
    }

    /** Hands over the PES being collected on {@code state}, if any, as complete. */
    void finish(TsPidState state, TsElementaryStream stream) {
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
        boolean clean = stream.onPes(pts, dts, pes, payload, end - payload, delivery);
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
}
