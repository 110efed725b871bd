package dev.glasscast.ingest.srt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Decodes UDP datagrams into {@link SrtEnvelope}s. Datagrams that are not SRT (too short, too
 * long, unknown control type) are dropped and counted, never thrown: the port is open to the
 * internet.
 *
 * <p>Buffer ownership: the datagram is released by {@link MessageToMessageDecoder}; the decoded
 * packet holds copies of its payload, so nothing downstream holds a pooled buffer.
 */
public final class SrtPacketDecoder extends MessageToMessageDecoder<DatagramPacket> {

    /** Default largest datagram accepted: SRT's maximum MSS. */
    public static final int DEFAULT_MAX_DATAGRAM = 1500;

    private final int maxDatagram;
    private long dropped;

    /** @param maxDatagram largest datagram decoded ({@link #DEFAULT_MAX_DATAGRAM}); larger ones are dropped */
    public SrtPacketDecoder(int maxDatagram) {
        super(DatagramPacket.class);
        this.maxDatagram = maxDatagram;
    }

    public SrtPacketDecoder() {
        this(DEFAULT_MAX_DATAGRAM);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket datagram, List<Object> out) {
        ByteBuf content = datagram.content();
        SrtPacket packet = content.readableBytes() > maxDatagram ? null : decode(content);
        if (packet == null) {
            dropped++;
            return;
        }
        out.add(new SrtEnvelope(datagram.sender(), packet));
    }

    /** Datagrams dropped as not SRT. Read on the event loop. */
    public long dropped() {
        return dropped;
    }

    /** Decodes one packet from the readable bytes of {@code buf}, or returns null if it is not SRT. */
    public static SrtPacket decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int length = buf.readableBytes();
        if (length < SrtPacket.HEADER_SIZE) {
            return null;
        }
        int word0 = buf.getInt(start);
        int word1 = buf.getInt(start + 4);
        int timestamp = buf.getInt(start + 8);
        int destination = buf.getInt(start + 12);
        byte[] body = new byte[length - SrtPacket.HEADER_SIZE];
        buf.getBytes(start + SrtPacket.HEADER_SIZE, body);
        if (word0 >= 0) {
            return new SrtDataPacket(word0, (word1 >>> 30) & 0x3, (word1 & 0x20000000) != 0, (word1 >>> 27) & 0x3,
                    (word1 & 0x04000000) != 0, word1 & 0x03FFFFFF, timestamp, destination, body);
        }
        SrtControlType type = SrtControlType.of((word0 >>> 16) & 0x7FFF);
        if (type == null) {
            return null;
        }
        return new SrtControlPacket(type, word0 & 0xFFFF, word1, timestamp, destination, body);
    }
}
