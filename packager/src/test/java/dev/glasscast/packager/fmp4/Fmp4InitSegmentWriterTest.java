package dev.glasscast.packager.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.glasscast.media.Codec;
import dev.glasscast.media.TrackInfo;
import dev.glasscast.packager.fmp4.Mp4BoxReader.Box;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class Fmp4InitSegmentWriterTest {

    /** avcC of a 1280x720 High profile level 3.1 stream: version 1, profile 100, compat 0, level 31. */
    static final byte[] AVCC = {
            0x01, 0x64, 0x00, 0x1f, (byte) 0xff, (byte) 0xe1, 0x00, 0x08,
            0x67, 0x64, 0x00, 0x1f, (byte) 0xac, (byte) 0xd9, 0x40, 0x50,
            0x01, 0x00, 0x04, 0x68, (byte) 0xeb, (byte) 0xe3, (byte) 0xcb};
    /** AudioSpecificConfig: AAC LC (2), 48 kHz (index 3), stereo. */
    static final byte[] ASC = {0x11, (byte) 0x90};

    private final Fmp4InitSegmentWriter writer = new Fmp4InitSegmentWriter(PooledByteBufAllocator.DEFAULT);

    @Test
    void videoInitSegmentHasTheExpectedBoxTree() {
        TrackInfo track = TrackInfo.video(7, Codec.H264, 1000, 1280, 720, 30, 2_500_000, AVCC);
        ByteBuf init = writer.write(Fmp4Track.of(track));
        try {
            assertEquals(List.of("ftyp", "moov"), Mp4BoxReader.read(init).stream().map(Box::type).toList());
            Box ftyp = Mp4BoxReader.root(init, "ftyp");
            assertEquals("iso6", ftyp.fourCc(0));
            assertEquals(List.of("iso6", "cmfc", "mp41"), List.of(ftyp.fourCc(8), ftyp.fourCc(12), ftyp.fourCc(16)));

            Box moov = Mp4BoxReader.root(init, "moov");
            assertEquals(List.of("mvhd", "trak", "mvex"), moov.childTypes());
            Box mvhd = moov.child("mvhd");
            assertEquals(108, mvhd.size());
            assertEquals(2, mvhd.u32(96), "next_track_ID");

            Box tkhd = moov.at("trak/tkhd");
            assertEquals(92, tkhd.size());
            assertEquals(7, tkhd.flags());
            assertEquals(1, tkhd.u32(12), "track_ID");
            assertEquals(1280L << 16, tkhd.u32(76));
            assertEquals(720L << 16, tkhd.u32(80));

            Box mdia = moov.at("trak/mdia");
            assertEquals(List.of("mdhd", "hdlr", "minf"), mdia.childTypes());
            assertEquals(90_000, mdia.child("mdhd").u32(12), "output timescale of video");
            assertEquals(0x55C4, mdia.child("mdhd").u16(20), "language und");
            assertEquals("vide", mdia.child("hdlr").fourCc(8));

            Box minf = mdia.child("minf");
            assertEquals(List.of("vmhd", "dinf", "stbl"), minf.childTypes());
            assertEquals(1, minf.child("vmhd").flags());
            Box url = minf.at("dinf/dref/url ");
            assertEquals(1, url.flags(), "media in the same file");

            Box stbl = minf.child("stbl");
            assertEquals(List.of("stsd", "stts", "stsc", "stsz", "stco"), stbl.childTypes());
            for (String table : List.of("stts", "stsc", "stco")) {
                assertEquals(0, stbl.child(table).u32(4), table + " entry_count");
            }
            assertEquals(20, stbl.child("stsz").size());
            assertEquals(1, stbl.child("stsd").u32(4), "stsd entry_count");

            Box avc1 = stbl.at("stsd/avc1");
            assertEquals(1, avc1.u16(6), "data_reference_index");
            assertEquals(1280, avc1.u16(24));
            assertEquals(720, avc1.u16(26));
            assertEquals(0x0018, avc1.u16(74), "depth");
            Box avcC = avc1.child("avcC");
            assertArrayEquals(AVCC, ByteBufUtil.getBytes(init, avcC.payload(), avcC.size() - 8));

            Box trex = moov.at("mvex/trex");
            assertEquals(32, trex.size());
            assertEquals(1, trex.u32(4), "track_ID");
            assertEquals(1, trex.u32(8), "default_sample_description_index");
        } finally {
            init.release();
        }
    }

    @Test
    void audioInitSegmentCarriesTheAudioSpecificConfigInEsds() {
        TrackInfo track = TrackInfo.audio(2, Codec.AAC, 90_000, 48_000, 2, 128_000, ASC);
        ByteBuf init = writer.write(Fmp4Track.of(track));
        try {
            Box moov = Mp4BoxReader.root(init, "moov");
            assertEquals(48_000, moov.at("trak/mdia/mdhd").u32(12), "audio timescale is the sample rate");
            assertEquals("soun", moov.at("trak/mdia/hdlr").fourCc(8));
            assertEquals(0x0100, moov.at("trak/tkhd").u16(36), "audio volume");
            Box minf = moov.at("trak/mdia/minf");
            assertEquals(List.of("smhd", "dinf", "stbl"), minf.childTypes());
            assertEquals(16, minf.child("smhd").size());

            Box mp4a = minf.at("stbl/stsd/mp4a");
            assertEquals(2, mp4a.u16(16), "channelcount");
            assertEquals(16, mp4a.u16(18), "samplesize");
            assertEquals(48_000L << 16, mp4a.u32(24), "samplerate 16.16");

            Box esds = mp4a.child("esds");
            assertEquals(0, esds.version());
            int at = esds.payload() + 4;
            assertEquals(EsDescriptorWriter.ES_DESCRIPTOR_TAG, init.getUnsignedByte(at));
            int esSize = init.getUnsignedByte(at + 1);
            assertEquals(esds.end(), at + 2 + esSize, "ES_Descriptor fills the esds");
            assertEquals(1, init.getUnsignedShort(at + 2), "ES_ID");
            at += 5;
            assertEquals(EsDescriptorWriter.DECODER_CONFIG_DESCRIPTOR_TAG, init.getUnsignedByte(at));
            assertEquals(13 + 2 + ASC.length, init.getUnsignedByte(at + 1));
            assertEquals(0x40, init.getUnsignedByte(at + 2), "objectTypeIndication MPEG-4 audio");
            assertEquals(0x15, init.getUnsignedByte(at + 3), "streamType audio, reserved bit set");
            assertEquals(128_000, init.getUnsignedInt(at + 7), "maxBitrate");
            assertEquals(128_000, init.getUnsignedInt(at + 11), "avgBitrate");
            at += 15;
            assertEquals(EsDescriptorWriter.DECODER_SPECIFIC_INFO_TAG, init.getUnsignedByte(at));
            assertEquals(ASC.length, init.getUnsignedByte(at + 1));
            assertArrayEquals(ASC, ByteBufUtil.getBytes(init, at + 2, ASC.length));
            at += 2 + ASC.length;
            assertEquals(EsDescriptorWriter.SL_CONFIG_DESCRIPTOR_TAG, init.getUnsignedByte(at));
            assertEquals(1, init.getUnsignedByte(at + 1));
            assertEquals(2, init.getUnsignedByte(at + 2), "predefined MP4");
            assertEquals(esds.end(), at + 3);
        } finally {
            init.release();
        }
    }

    @Test
    void descriptorSizesUseAsFewBytesAsPossible() {
        assertEquals(2, EsDescriptorWriter.headerSize(0));
        assertEquals(2, EsDescriptorWriter.headerSize(127));
        assertEquals(3, EsDescriptorWriter.headerSize(128));
        assertEquals(5, EsDescriptorWriter.headerSize((1 << 28) - 1));
    }
}
