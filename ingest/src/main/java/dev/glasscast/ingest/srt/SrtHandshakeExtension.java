package dev.glasscast.ingest.srt;

import java.nio.ByteBuffer;

/**
 * The HSREQ/HSRSP extension (draft-sharabayko-srt 3.2.1.1):
 * <pre>
 * |                         SRT Version (32)                          |
 * |                          SRT Flags (32)                           |
 * |   Receiver TSBPD Delay (16)    |     Sender TSBPD Delay (16)      |
 * </pre>
 * Delays are in milliseconds.
 */
public record SrtHandshakeExtension(int srtVersion, int flags, int receiverDelayMs, int senderDelayMs) {

    public static final int FLAG_TSBPDSND = 0x01;
    public static final int FLAG_TSBPDRCV = 0x02;
    public static final int FLAG_CRYPT = 0x04;
    public static final int FLAG_TLPKTDROP = 0x08;
    public static final int FLAG_PERIODICNAK = 0x10;
    public static final int FLAG_REXMITFLG = 0x20;
    public static final int FLAG_STREAM = 0x40;
    public static final int FLAG_PACKET_FILTER = 0x80;

    /** The version this listener speaks: 1.5.0, the first with everything used here. */
    public static final int VERSION_1_5_0 = 0x010500;

    public static SrtHandshakeExtension parse(byte[] content) {
        if (content.length < 12) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(content);
        int version = in.getInt();
        int flags = in.getInt();
        int receiver = in.getShort() & 0xFFFF;
        int sender = in.getShort() & 0xFFFF;
        return new SrtHandshakeExtension(version, flags, receiver, sender);
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(12).putInt(srtVersion).putInt(flags).putShort((short) receiverDelayMs)
                .putShort((short) senderDelayMs).array();
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
