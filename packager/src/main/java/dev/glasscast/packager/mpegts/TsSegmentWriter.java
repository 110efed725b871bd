package dev.glasscast.packager.mpegts;

import dev.glasscast.media.codec.AacConfig;
import dev.glasscast.media.codec.AdtsHeader;
import dev.glasscast.media.codec.AvcDecoderConfig;
import dev.glasscast.media.codec.NalUnits;
import dev.glasscast.packager.fmp4.Fmp4FragmentReader.TimedSample;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Muxes one HLS MPEG-TS segment (ISO/IEC 13818-1) from H.264 and AAC samples: PAT and PMT first,
 * then one PES per access unit interleaved by decode time. Video is Annex B with an access unit
 * delimiter, and SPS and PPS before every IDR (so each segment decodes on its own); AAC frames get
 * ADTS headers. The video PID carries the PCR, in the first packet of each video PES. Continuity
 * counters start at 0 in every segment: segments are rendered on request and independently, and
 * players treat each segment as a fresh start of the counters (FFmpeg only notes the jump at
 * debug level).
 *
 * <p>Timestamps are the samples' decode times converted to 90 kHz and taken modulo 2^33, the
 * same timeline as the fMP4 segments.
 */
public final class TsSegmentWriter {

    public static final int PACKET_SIZE = 188;
    static final int PAT_PID = 0x0000;
    static final int PMT_PID = 0x1000;
    static final int VIDEO_PID = 0x0100;
    static final int AUDIO_PID = 0x0101;
    static final int STREAM_TYPE_H264 = 0x1B;
    static final int STREAM_TYPE_AAC_ADTS = 0x0F;
    static final long TS_MASK = (1L << 33) - 1;
    private static final byte[] AUD = {0, 0, 0, 1, 0x09, (byte) 0xF0};
    /** The PCR runs this far ahead of the first decode time, so decoders have their buffer delay. */
    private static final long PCR_LEAD = 0;

    private final int[] continuity = new int[0x2000];
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A writer whose continuity counters run on across everything it writes ({@link TsLiveWriter}). */
    TsSegmentWriter() {
    }

    /** What was written since the last call, and forgets it. */
    byte[] drain() {
        byte[] written = out.toByteArray();
        out.reset();
        return written;
    }

    /**
     * @param avcC          the video track's AVCDecoderConfigurationRecord
     * @param video         video samples (length-prefixed NAL units), starting with an IDR
     * @param videoTimescale ticks per second of the video samples' times
     * @param asc           the AudioSpecificConfig, or null without audio
     * @param audio         raw AAC frames
     * @param audioTimescale ticks per second of the audio samples' times
     * @return the segment, a multiple of 188 bytes
     */
    public static byte[] write(byte[] avcC, List<TimedSample> video, int videoTimescale, byte[] asc,
                               List<TimedSample> audio, int audioTimescale) {
        TsSegmentWriter writer = new TsSegmentWriter();
        boolean hasAudio = asc != null && !audio.isEmpty();
        writer.section(PAT_PID, pat());
        writer.section(PMT_PID, pmt(hasAudio));
        record Unit(long dts, long pts, boolean video, boolean sync, byte[] payload) {
        }
        List<Unit> units = new ArrayList<>();
        AvcDecoderConfig config = AvcDecoderConfig.parse(avcC);
        // CMAF fragments give B-frames negative composition offsets (decode time = earliest
        // presentation time); MPEG-TS wants every DTS at or before its PTS, so decode times
        // move back by the largest of them, the same in every segment of a stream.
        int earliest = video.stream().mapToInt(TimedSample::compositionOffset).min().orElse(0);
        long decodeShift = Math.max(0, -earliest);
        for (TimedSample sample : video) {
            long dts = to90k(sample.decodeTime() - decodeShift, videoTimescale);
            long pts = to90k(sample.decodeTime() + sample.compositionOffset(), videoTimescale);
            units.add(new Unit(dts, pts, true, sample.sync(), annexB(sample, config)));
        }
        if (hasAudio) {
            AacConfig aac = AacConfig.parse(asc);
            for (TimedSample sample : audio) {
                long dts = to90k(sample.decodeTime(), audioTimescale);
                byte[] header = AdtsHeader.build(aac, sample.data().length);
                byte[] frame = new byte[header.length + sample.data().length];
                System.arraycopy(header, 0, frame, 0, header.length);
                System.arraycopy(sample.data(), 0, frame, header.length, sample.data().length);
                units.add(new Unit(dts, dts, false, true, frame));
            }
        }
        units.sort(Comparator.comparingLong(Unit::dts).thenComparing(u -> !u.video()));
        for (Unit unit : units) {
            // Ordered on the unwrapped timeline; only the wire carries 33 bits.
            byte[] pes = pes(unit.video() ? 0xE0 : 0xC0, unit.pts() & TS_MASK, unit.video() ? unit.dts() & TS_MASK : -1,
                    unit.payload(), !unit.video());
            long pcr = unit.video() ? Math.max(0, unit.dts() - PCR_LEAD) & TS_MASK : -1;
            writer.packetize(unit.video() ? VIDEO_PID : AUDIO_PID, pes, pcr, unit.video() && unit.sync());
        }
        return writer.out.toByteArray();
    }

    static long to90k(long ticks, int timescale) {
        return Math.floorDiv(ticks * 90_000L, timescale);
    }

    /** AUD, SPS and PPS before an IDR, then the sample's NAL units, each behind a start code. */
    static byte[] annexB(TimedSample sample, AvcDecoderConfig config) {
        List<byte[]> units = new ArrayList<>();
        if (sample.sync()) {
            units.addAll(config.sps());
            units.addAll(config.pps());
        }
        for (byte[] nal : NalUnits.splitLengthPrefixed(sample.data())) {
            int type = nal.length == 0 ? -1 : NalUnits.h264Type(nal[0]);
            boolean repeatsParameterSets = sample.sync() && (type == NalUnits.H264_NAL_SPS || type == NalUnits.H264_NAL_PPS);
            if (type != NalUnits.H264_NAL_AUD && !repeatsParameterSets && nal.length > 0) {
                units.add(nal);
            }
        }
        byte[] body = NalUnits.toAnnexB(units);
        byte[] withAud = new byte[AUD.length + body.length];
        System.arraycopy(AUD, 0, withAud, 0, AUD.length);
        System.arraycopy(body, 0, withAud, AUD.length, body.length);
        return withAud;
    }

    /**
     * <pre>
     * PES_packet() { packet_start_code_prefix 24 = 0x000001; stream_id 8; PES_packet_length 16;
     *   '10' 2; PES_scrambling_control 2; PES_priority 1; data_alignment_indicator 1; copyright 1;
     *   original_or_copy 1; PTS_DTS_flags 2; ESCR_flag .. PES_extension_flag 6;
     *   PES_header_data_length 8; PTS (5 bytes) [DTS (5 bytes)]; payload }
     * </pre>
     * Video PES have length 0 (unbounded), which 13818-1 allows for video only.
     */
    static byte[] pes(int streamId, long pts, long dts, byte[] payload, boolean bounded) {
        boolean withDts = dts >= 0 && dts != pts;
        int headerData = withDts ? 10 : 5;
        byte[] pes = new byte[9 + headerData + payload.length];
        pes[2] = 1;
        pes[3] = (byte) streamId;
        int length = 3 + headerData + payload.length;
        if (bounded && length <= 0xFFFF) {
            pes[4] = (byte) (length >>> 8);
            pes[5] = (byte) length;
        }
        pes[6] = (byte) 0x84; // '10', data_alignment_indicator
        pes[7] = (byte) (withDts ? 0xC0 : 0x80);
        pes[8] = (byte) headerData;
        timestamp(pes, 9, withDts ? 0x3 : 0x2, pts);
        if (withDts) {
            timestamp(pes, 14, 0x1, dts);
        }
        System.arraycopy(payload, 0, pes, 9 + headerData, payload.length);
        return pes;
    }

    /** '00xx' prefix, TS[32..30], marker, TS[29..15], marker, TS[14..0], marker. */
    private static void timestamp(byte[] into, int at, int prefix, long ts) {
        into[at] = (byte) (prefix << 4 | (int) (ts >>> 29 & 0x0E) | 1);
        into[at + 1] = (byte) (ts >>> 22);
        into[at + 2] = (byte) ((ts >>> 14 & 0xFE) | 1);
        into[at + 3] = (byte) (ts >>> 7);
        into[at + 4] = (byte) ((ts << 1 & 0xFE) | 1);
    }

    /** Splits a PES into packets; the first carries the PCR (if {@code pcr >= 0}) in its adaptation field. */
    void packetize(int pid, byte[] pes, long pcr, boolean randomAccess) {
        int offset = 0;
        boolean first = true;
        while (offset < pes.length) {
            boolean withPcr = first && pcr >= 0;
            int adaptationMinimum = withPcr ? 8 : 0;
            int room = 184 - adaptationMinimum;
            int chunk = Math.min(room, pes.length - offset);
            int adaptation = adaptationMinimum + (room - chunk);
            byte[] packet = new byte[PACKET_SIZE];
            packet[0] = 0x47;
            packet[1] = (byte) ((first ? 0x40 : 0) | pid >>> 8);
            packet[2] = (byte) pid;
            packet[3] = (byte) ((adaptation > 0 ? 0x30 : 0x10) | nextContinuity(pid));
            int at = 4;
            if (adaptation > 0) {
                packet[at++] = (byte) (adaptation - 1);
                if (adaptation > 1) {
                    int flags = (withPcr ? 0x10 : 0) | (first && randomAccess ? 0x40 : 0);
                    packet[at++] = (byte) flags;
                    if (withPcr) {
                        long base = pcr & TS_MASK;
                        packet[at++] = (byte) (base >>> 25);
                        packet[at++] = (byte) (base >>> 17);
                        packet[at++] = (byte) (base >>> 9);
                        packet[at++] = (byte) (base >>> 1);
                        packet[at++] = (byte) ((base & 1) << 7 | 0x7E);
                        packet[at++] = 0;
                    }
                    while (at < 4 + adaptation) {
                        packet[at++] = (byte) 0xFF;
                    }
                }
            }
            System.arraycopy(pes, offset, packet, at, chunk);
            offset += chunk;
            first = false;
            out.writeBytes(packet);
        }
    }

    private int nextContinuity(int pid) {
        int counter = continuity[pid];
        continuity[pid] = (counter + 1) & 0x0F;
        return counter;
    }

    /** One PSI section in one packet: pointer_field 0, the section, 0xFF stuffing. */
    void section(int pid, byte[] section) {
        byte[] packet = new byte[PACKET_SIZE];
        java.util.Arrays.fill(packet, (byte) 0xFF);
        packet[0] = 0x47;
        packet[1] = (byte) (0x40 | pid >>> 8);
        packet[2] = (byte) pid;
        packet[3] = (byte) (0x10 | nextContinuity(pid));
        packet[4] = 0;
        System.arraycopy(section, 0, packet, 5, section.length);
        out.writeBytes(packet);
    }

    /** program_association_section: program 1 → PMT_PID. */
    static byte[] pat() {
        byte[] body = {0, 1, (byte) 0xC1, 0, 0, 0, 1, (byte) (0xE0 | PMT_PID >>> 8), (byte) PMT_PID};
        return psi(0x00, body);
    }

    /** TS_program_map_section: PCR on the video PID; H.264 and (optionally) ADTS AAC. */
    static byte[] pmt(boolean withAudio) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 1, (byte) 0xC1, 0, 0,
                (byte) (0xE0 | VIDEO_PID >>> 8), (byte) VIDEO_PID, (byte) 0xF0, 0});
        body.writeBytes(new byte[] {STREAM_TYPE_H264, (byte) (0xE0 | VIDEO_PID >>> 8), (byte) VIDEO_PID, (byte) 0xF0, 0});
        if (withAudio) {
            body.writeBytes(new byte[] {STREAM_TYPE_AAC_ADTS, (byte) (0xE0 | AUDIO_PID >>> 8), (byte) AUDIO_PID, (byte) 0xF0, 0});
        }
        return psi(0x02, body.toByteArray());
    }

    /** table_id, section_syntax_indicator 1, '0', reserved '11', section_length, body, CRC_32. */
    private static byte[] psi(int tableId, byte[] body) {
        int sectionLength = body.length + 4;
        byte[] section = new byte[3 + sectionLength];
        section[0] = (byte) tableId;
        section[1] = (byte) (0xB0 | sectionLength >>> 8);
        section[2] = (byte) sectionLength;
        System.arraycopy(body, 0, section, 3, body.length);
        int crc = crc32Mpeg2(section, 0, 3 + body.length);
        int at = 3 + body.length;
        section[at] = (byte) (crc >>> 24);
        section[at + 1] = (byte) (crc >>> 16);
        section[at + 2] = (byte) (crc >>> 8);
        section[at + 3] = (byte) crc;
        return section;
    }

    /** CRC-32/MPEG-2: polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection, no final XOR. */
    static int crc32Mpeg2(byte[] data, int offset, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc ^= (data[i] & 0xFF) << 24;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }
        return crc;
    }
}
