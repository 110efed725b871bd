package dev.glasscast.ingest.srt;

/**
 * A data packet (draft-sharabayko-srt 3.1):
 * <pre>
 * |0|                    Packet Sequence Number (31)                 |
 * |P P|O|K K|R|               Message Number (26)                    |
 * |                          Timestamp (32)                          |
 * |                    Destination Socket ID (32)                    |
 * |                             Data                                 |
 * </pre>
 *
 * @param sequence      31-bit packet sequence number
 * @param position      PP: {@link #POSITION_FIRST}, {@link #POSITION_LAST}, {@link #POSITION_SOLO} or middle (0)
 * @param inOrder       O: the message must be delivered in order
 * @param keyFlags      KK: 0 clear, 1 encrypted with the even key, 2 with the odd key
 * @param retransmitted R: sent again after a loss report
 * @param messageNumber 26-bit message number
 * @param payload       the (possibly encrypted) payload; owned by this record, never modified
 */
public record SrtDataPacket(int sequence, int position, boolean inOrder, int keyFlags, boolean retransmitted,
                            int messageNumber, int timestamp, int destinationSocket, byte[] payload)
        implements SrtPacket {

    public static final int POSITION_MIDDLE = 0b00;
    public static final int POSITION_LAST = 0b01;
    public static final int POSITION_FIRST = 0b10;
    public static final int POSITION_SOLO = 0b11;

    public SrtDataPacket withPayload(byte[] newPayload, int newKeyFlags) {
        return new SrtDataPacket(sequence, position, inOrder, newKeyFlags, retransmitted, messageNumber, timestamp,
                destinationSocket, newPayload);
    }
}
