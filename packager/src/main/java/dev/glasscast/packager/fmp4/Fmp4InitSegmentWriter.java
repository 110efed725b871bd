package dev.glasscast.packager.fmp4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the CMAF header (init segment) of a single-track fMP4 file: {@code ftyp} and a
 * {@code moov} whose sample tables are empty, with an {@code mvex} that announces fragments.
 * One method per box, named after it, with the ISO/IEC 14496-12 syntax quoted.
 *
 * <p>Over 400 lines because each box's quoted syntax stands beside the method that writes it
 * (about 220 lines are code); split, a box's layout would be read away from its writer.
 *
 * <p>Stateless and thread-safe.
 */
public final class Fmp4InitSegmentWriter {

    /** ISO/IEC 639-2/T "und", packed as three 5-bit letters minus 0x60. */
    private static final int LANGUAGE_UNDETERMINED = ('u' - 0x60) << 10 | ('n' - 0x60) << 5 | ('d' - 0x60);
    private static final int TRACK_ENABLED_IN_MOVIE_IN_PREVIEW = 0x000007;
    private static final int DATA_IN_SAME_FILE = 0x000001;
    private static final int INITIAL_CAPACITY = 1024;

    private final ByteBufAllocator allocator;

    /** @param allocator where the init segments are allocated, normally the pooled default */
    public Fmp4InitSegmentWriter(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /**
     * Writes the init segment of {@code track}.
     *
     * @return a new buffer holding the whole init segment; the caller owns it and must release it
     */
    public ByteBuf write(Fmp4Track track) {
        ByteBuf out = allocator.buffer(INITIAL_CAPACITY);
        try {
            BoxWriter box = new BoxWriter(out);
            ftyp(box);
            moov(box, track);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * <pre>
     * aligned(8) class FileTypeBox extends Box('ftyp') {
     *     unsigned int(32) major_brand;
     *     unsigned int(32) minor_version;
     *     unsigned int(32) compatible_brands[];
     * }
     * </pre>
     * iso6 for version-1 tfdt and default-base-is-moof, cmfc for a CMAF track.
     */
    private static void ftyp(BoxWriter box) {
        int start = box.begin("ftyp");
        box.fourCc("iso6");
        box.u32(0);
        for (String brand : List.of("iso6", "cmfc", "mp41")) {
            box.fourCc(brand);
        }
        box.end(start);
    }

    private static void moov(BoxWriter box, Fmp4Track track) {
        int start = box.begin("moov");
        mvhd(box);
        trak(box, track);
        mvex(box);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class MovieHeaderBox extends FullBox('mvhd', version, 0) {
     *     unsigned int(32) creation_time; unsigned int(32) modification_time;
     *     unsigned int(32) timescale;     unsigned int(32) duration;
     *     template int(32) rate = 0x00010000; template int(16) volume = 0x0100;
     *     const bit(16) reserved = 0; const unsigned int(32)[2] reserved = 0;
     *     template int(32)[9] matrix; bit(32)[6] pre_defined = 0;
     *     unsigned int(32) next_track_ID;
     * }
     * </pre>
     * Duration 0: a fragmented file's length is not known up front.
     */
    private static void mvhd(BoxWriter box) {
        int start = box.beginFull("mvhd", 0, 0);
        box.u32(0);
        box.u32(0);
        box.u32(1000);
        box.u32(0);
        box.u32(0x00010000);
        box.u16(0x0100);
        box.zeros(2 + 8);
        box.unityMatrix();
        box.zeros(6 * 4);
        box.u32(Fmp4Track.TRACK_ID + 1);
        box.end(start);
    }

    private static void trak(BoxWriter box, Fmp4Track track) {
        int start = box.begin("trak");
        tkhd(box, track);
        mdia(box, track);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class TrackHeaderBox extends FullBox('tkhd', version, flags) {
     *     unsigned int(32) creation_time; unsigned int(32) modification_time;
     *     unsigned int(32) track_ID; const unsigned int(32) reserved = 0;
     *     unsigned int(32) duration;
     *     const unsigned int(32)[2] reserved = 0;
     *     template int(16) layer = 0; template int(16) alternate_group = 0;
     *     template int(16) volume = {if track_is_audio 0x0100 else 0};
     *     const unsigned int(16) reserved = 0;
     *     template int(32)[9] matrix;
     *     unsigned int(32) width; unsigned int(32) height;   // 16.16 fixed point
     * }
     * </pre>
     */
    private static void tkhd(BoxWriter box, Fmp4Track track) {
        int start = box.beginFull("tkhd", 0, TRACK_ENABLED_IN_MOVIE_IN_PREVIEW);
        box.u32(0);
        box.u32(0);
        box.u32(Fmp4Track.TRACK_ID);
        box.u32(0);
        box.u32(0);
        box.zeros(8);
        box.u16(0);
        box.u16(0);
        box.u16(track.isVideo() ? 0 : 0x0100);
        box.u16(0);
        box.unityMatrix();
        box.u32((long) track.width() << 16);
        box.u32((long) track.height() << 16);
        box.end(start);
    }

    private static void mdia(BoxWriter box, Fmp4Track track) {
        int start = box.begin("mdia");
        mdhd(box, track);
        hdlr(box, track);
        minf(box, track);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class MediaHeaderBox extends FullBox('mdhd', version, 0) {
     *     unsigned int(32) creation_time; unsigned int(32) modification_time;
     *     unsigned int(32) timescale;     unsigned int(32) duration;
     *     bit(1) pad = 0; unsigned int(5)[3] language; unsigned int(16) pre_defined = 0;
     * }
     * </pre>
     */
    private static void mdhd(BoxWriter box, Fmp4Track track) {
        int start = box.beginFull("mdhd", 0, 0);
        box.u32(0);
        box.u32(0);
        box.u32(track.timescale());
        box.u32(0);
        box.u16(LANGUAGE_UNDETERMINED);
        box.u16(0);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class HandlerBox extends FullBox('hdlr', version = 0, 0) {
     *     unsigned int(32) pre_defined = 0; unsigned int(32) handler_type;
     *     const unsigned int(32)[3] reserved = 0; string name;
     * }
     * </pre>
     */
    private static void hdlr(BoxWriter box, Fmp4Track track) {
        int start = box.beginFull("hdlr", 0, 0);
        box.u32(0);
        box.fourCc(track.isVideo() ? "vide" : "soun");
        box.zeros(12);
        box.bytes((track.isVideo() ? "GlassCast video\0" : "GlassCast audio\0").getBytes(StandardCharsets.US_ASCII));
        box.end(start);
    }

    private static void minf(BoxWriter box, Fmp4Track track) {
        int start = box.begin("minf");
        if (track.isVideo()) {
            vmhd(box);
        } else {
            smhd(box);
        }
        dinf(box);
        stbl(box, track);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class VideoMediaHeaderBox extends FullBox('vmhd', version = 0, 1) {
     *     template unsigned int(16) graphicsmode = 0; template unsigned int(16)[3] opcolor = {0, 0, 0};
     * }
     * </pre>
     */
    private static void vmhd(BoxWriter box) {
        int start = box.beginFull("vmhd", 0, 1);
        box.zeros(2 + 6);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class SoundMediaHeaderBox extends FullBox('smhd', version = 0, 0) {
     *     template int(16) balance = 0; const unsigned int(16) reserved = 0;
     * }
     * </pre>
     */
    private static void smhd(BoxWriter box) {
        int start = box.beginFull("smhd", 0, 0);
        box.zeros(4);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class DataReferenceBox extends FullBox('dref', version = 0, 0) {
     *     unsigned int(32) entry_count;
     *     for (i=1; i <= entry_count; i++) { DataEntryBox(entry_version, entry_flags) data_entry; }
     * }
     * aligned(8) class DataEntryUrlBox (bit(24) flags) extends DataEntryBaseBox('url ', flags) {
     *     utf8string location;   // absent when flags = 1: the media is in this file
     * }
     * </pre>
     */
    private static void dinf(BoxWriter box) {
        int start = box.begin("dinf");
        int dref = box.beginFull("dref", 0, 0);
        box.u32(1);
        int url = box.beginFull("url ", 0, DATA_IN_SAME_FILE);
        box.end(url);
        box.end(dref);
        box.end(start);
    }

    /** The sample tables of a fragmented file: a sample description and nothing else. */
    private static void stbl(BoxWriter box, Fmp4Track track) {
        int start = box.begin("stbl");
        stsd(box, track);
        emptyTable(box, "stts");
        emptyTable(box, "stsc");
        stsz(box);
        emptyTable(box, "stco");
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class SampleDescriptionBox() extends FullBox('stsd', version, 0) {
     *     int i; unsigned int(32) entry_count;
     *     for (i = 1 ; i &lt;= entry_count ; i++) { SampleEntry(); }
     * }
     * </pre>
     */
    private static void stsd(BoxWriter box, Fmp4Track track) {
        int start = box.beginFull("stsd", 0, 0);
        box.u32(1);
        switch (track.codec()) {
            case H264 -> visualSampleEntry(box, track, "avc1", "avcC");
            // hvc1, not hev1: parameter sets only in the hvcC (ingest takes in-band ones out),
            // which is what Apple's players require of HLS.
            case H265 -> visualSampleEntry(box, track, "hvc1", "hvcC");
            case AAC -> mp4a(box, track);
            default -> throw new IllegalArgumentException("unsupported codec " + track.codec());
        }
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) abstract class SampleEntry (unsigned int(32) format) extends Box(format) {
     *     const unsigned int(8)[6] reserved = 0; unsigned int(16) data_reference_index;
     * }
     * class VisualSampleEntry(codingname) extends SampleEntry (codingname) {
     *     unsigned int(16) pre_defined = 0; const unsigned int(16) reserved = 0;
     *     unsigned int(32)[3] pre_defined = 0;
     *     unsigned int(16) width; unsigned int(16) height;
     *     template unsigned int(32) horizresolution = 0x00480000; // 72 dpi
     *     template unsigned int(32) vertresolution = 0x00480000;
     *     const unsigned int(32) reserved = 0;
     *     template unsigned int(16) frame_count = 1;
     *     uint(8)[32] compressorname;
     *     template unsigned int(16) depth = 0x0018;
     *     int(16) pre_defined = -1;
     * }
     * class AVCSampleEntry() extends VisualSampleEntry ('avc1') { AVCConfigurationBox config; }
     * class HEVCSampleEntry() extends VisualSampleEntry ('hvc1') { HEVCConfigurationBox config; }
     * </pre>
     */
    private static void visualSampleEntry(BoxWriter box, Fmp4Track track, String format, String configBox) {
        int start = box.begin(format);
        box.zeros(6);
        box.u16(1);
        box.u16(0);
        box.u16(0);
        box.zeros(12);
        box.u16(track.width());
        box.u16(track.height());
        box.u32(0x00480000);
        box.u32(0x00480000);
        box.u32(0);
        box.u16(1);
        box.zeros(32);
        box.u16(0x0018);
        box.u16(0xFFFF);
        configurationBox(box, configBox, track.codecConfig());
        box.end(start);
    }

    /**
     * ISO/IEC 14496-15: {@code class AVCConfigurationBox extends Box('avcC') {
     * AVCDecoderConfigurationRecord() AVCConfig; }}, and likewise {@code hvcC} with the
     * HEVCDecoderConfigurationRecord — the record is the track's codec config as is.
     */
    private static void configurationBox(BoxWriter box, String type, byte[] decoderConfigurationRecord) {
        int start = box.begin(type);
        box.bytes(decoderConfigurationRecord);
        box.end(start);
    }

    /**
     * <pre>
     * class AudioSampleEntry(codingname) extends SampleEntry (codingname) {
     *     const unsigned int(32)[2] reserved = 0;
     *     template unsigned int(16) channelcount = 2; template unsigned int(16) samplesize = 16;
     *     unsigned int(16) pre_defined = 0; const unsigned int(16) reserved = 0 ;
     *     template unsigned int(32) samplerate = { default samplerate of media}&lt;&lt;16;
     * }
     * class MP4AudioSampleEntry() extends AudioSampleEntry('mp4a') { ESDBox ES; }  // 14496-14
     * </pre>
     */
    private static void mp4a(BoxWriter box, Fmp4Track track) {
        int start = box.begin("mp4a");
        box.zeros(6);
        box.u16(1);
        box.zeros(8);
        box.u16(track.channels() > 0 ? track.channels() : 2);
        box.u16(16);
        box.u16(0);
        box.u16(0);
        // Rates above 65535 Hz do not fit the 16.16 field; the AudioSpecificConfig is authoritative.
        box.u32(track.sampleRate() <= 0xFFFF ? (long) track.sampleRate() << 16 : 0);
        esds(box, track);
        box.end(start);
    }

    /**
     * ISO/IEC 14496-14 {@code class ESDBox extends FullBox('esds', version = 0, 0) { ES_Descriptor ES; }},
     * see {@link EsDescriptorWriter} for the descriptor.
     */
    private static void esds(BoxWriter box, Fmp4Track track) {
        int start = box.beginFull("esds", 0, 0);
        EsDescriptorWriter.esDescriptor(box, Fmp4Track.TRACK_ID, track.bitrate(), track.codecConfig());
        box.end(start);
    }

    /** stts, stsc and stco: {@code unsigned int(32) entry_count = 0;} and no entries. */
    private static void emptyTable(BoxWriter box, String type) {
        int start = box.beginFull(type, 0, 0);
        box.u32(0);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class SampleSizeBox extends FullBox('stsz', version = 0, 0) {
     *     unsigned int(32) sample_size; unsigned int(32) sample_count; ...
     * }
     * </pre>
     */
    private static void stsz(BoxWriter box) {
        int start = box.beginFull("stsz", 0, 0);
        box.u32(0);
        box.u32(0);
        box.end(start);
    }

    private static void mvex(BoxWriter box) {
        int start = box.begin("mvex");
        trex(box);
        box.end(start);
    }

    /**
     * <pre>
     * aligned(8) class TrackExtendsBox extends FullBox('trex', 0, 0) {
     *     unsigned int(32) track_ID; unsigned int(32) default_sample_description_index;
     *     unsigned int(32) default_sample_duration; unsigned int(32) default_sample_size;
     *     unsigned int(32) default_sample_flags;
     * }
     * </pre>
     * Every fragment states duration, size and flags per sample, so the defaults are unused.
     */
    private static void trex(BoxWriter box) {
        int start = box.beginFull("trex", 0, 0);
        box.u32(Fmp4Track.TRACK_ID);
        box.u32(1);
        box.u32(0);
        box.u32(0);
        box.u32(0);
        box.end(start);
    }
}
