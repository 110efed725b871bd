package dev.glasscast.ingest.srt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes {@link SrtEnvelope}s into UDP datagrams. Buffer ownership: the datagram's buffer is
 * allocated here and released by the transport once written.
 */
public final class SrtPacketEncoder extends MessageToMessageEncoder<SrtEnvelope> {

    public SrtPacketEncoder() {
        super(SrtEnvelope.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SrtEnvelope envelope, List<Object> out) {
        out.add(new DatagramPacket(encode(ctx.alloc(), envelope.packet()), envelope.peer()));
    }

    /** The wire form of {@code packet}; the caller owns the returned buffer. */
    public static ByteBuf encode(ByteBufAllocator alloc, SrtPacket packet) {
        return switch (packet) {
            case SrtDataPacket data -> {
                ByteBuf buf = alloc.buffer(SrtPacket.HEADER_SIZE + data.payload().length);
                buf.writeInt(data.sequence() & 0x7FFFFFFF);
                buf.writeInt((data.position() << 30) | (data.inOrder() ? 0x20000000 : 0) | (data.keyFlags() << 27)
                        | (data.retransmitted() ? 0x04000000 : 0) | (data.messageNumber() & 0x03FFFFFF));
                buf.writeInt(data.timestamp());
                buf.writeInt(data.destinationSocket());
                buf.writeBytes(data.payload());
                yield buf;
            }
            case SrtControlPacket control -> {
                ByteBuf buf = alloc.buffer(SrtPacket.HEADER_SIZE + control.body().length);
                buf.writeInt(0x80000000 | (control.type().code << 16) | (control.subtype() & 0xFFFF));
                buf.writeInt(control.typeInfo());
                buf.writeInt(control.timestamp());
                buf.writeInt(control.destinationSocket());
                buf.writeBytes(control.body());
                yield buf;
            }
        };
    }
}
