package dev.glasscast.ingest.srt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The handshake CIF (draft-sharabayko-srt 3.2.1):
 * <pre>
 * |                          Version (32)                            |
 * |     Encryption Field (16)      |      Extension Field (16)       |
 * |                Initial Packet Sequence Number (32)               |
 * |                Maximum Transmission Unit Size (32)               |
 * |                  Maximum Flow Window Size (32)                   |
 * |                       Handshake Type (32)                        |
 * |                        SRT Socket ID (32)                        |
 * |                          SYN Cookie (32)                         |
 * |                       Peer IP Address (128)                      |
 * |     Extension Type (16)        |    Extension Length (16, words) |
 * |                       Extension Contents                         |
 * </pre>
 *
 * @param extensions the HSv5 extensions in order; their contents are owned by this record
 */
public record SrtHandshakeMessage(int version, int encryption, int extensionField, int initialSequence, int mtu,
                                  int flowWindow, int type, int socketId, int cookie, byte[] peerAddress,
                                  List<Extension> extensions) {

    public static final int FIXED_SIZE = 48;
    public static final int TYPE_INDUCTION = 1;
    public static final int TYPE_CONCLUSION = -1;
    public static final int TYPE_WAVEAHAND = 0;
    public static final int TYPE_AGREEMENT = -2;
    /** Handshake types from here on are rejections: 1000 + the SRT_REJECT_REASON (see {@link SrtRejectReason}). */
    public static final int TYPE_FAILURE_BASE = 1000;
    /** The Extension Field of an HSv5 induction response: "SRT" in the caller's eyes. */
    public static final int SRT_MAGIC = 0x4A17;
    /** Extension Field flags of a conclusion. */
    public static final int FLAG_HSREQ = 0x1;
    public static final int FLAG_KMREQ = 0x2;
    public static final int FLAG_CONFIG = 0x4;

    /** Extension types (SRT_CMD_*). */
    public static final int EXT_HSREQ = 1;
    public static final int EXT_HSRSP = 2;
    public static final int EXT_KMREQ = 3;
    public static final int EXT_KMRSP = 4;
    public static final int EXT_SID = 5;
    public static final int EXT_CONGESTION = 6;

    /** Most extensions accepted in one handshake; libsrt sends at most five. */
    private static final int MAX_EXTENSIONS = 16;

    /** One handshake extension block; {@code content} is a whole number of 32-bit words. */
    public record Extension(int type, byte[] content) {
    }

    /** Parses a handshake CIF, or returns null when it is malformed. */
    public static SrtHandshakeMessage parse(byte[] body) {
        if (body.length < FIXED_SIZE) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        int version = in.getInt();
        int encryption = in.getShort() & 0xFFFF;
        int extensionField = in.getShort() & 0xFFFF;
        int initialSequence = in.getInt();
        int mtu = in.getInt();
        int flowWindow = in.getInt();
        int type = in.getInt();
        int socketId = in.getInt();
        int cookie = in.getInt();
        byte[] peer = new byte[16];
        in.get(peer);
        List<Extension> extensions = new ArrayList<>();
        while (in.remaining() >= 4) {
            int extensionType = in.getShort() & 0xFFFF;
            int words = in.getShort() & 0xFFFF;
            if (words * 4 > in.remaining() || extensions.size() == MAX_EXTENSIONS) {
                return null;
            }
            byte[] content = new byte[words * 4];
            in.get(content);
            extensions.add(new Extension(extensionType, content));
        }
        return new SrtHandshakeMessage(version, encryption, extensionField, initialSequence, mtu, flowWindow, type,
                socketId, cookie, peer, List.copyOf(extensions));
    }

    public byte[] toBytes() {
        int size = FIXED_SIZE;
        for (Extension extension : extensions) {
            size += 4 + extension.content().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(version).putShort((short) encryption).putShort((short) extensionField).putInt(initialSequence)
                .putInt(mtu).putInt(flowWindow).putInt(type).putInt(socketId).putInt(cookie).put(peerAddress, 0, 16);
        for (Extension extension : extensions) {
            out.putShort((short) extension.type()).putShort((short) (extension.content().length / 4)).put(extension.content());
        }
        return out.array();
    }

    public Extension extension(int extensionType) {
        for (Extension extension : extensions) {
            if (extension.type() == extensionType) {
                return extension;
            }
        }
        return null;
    }

    public boolean isRejection() {
        return Integer.compareUnsigned(type, TYPE_FAILURE_BASE) >= 0 && type > 0;
    }

    /**
     * The SID extension's string. libsrt stores it as 32-bit words in host (little-endian)
     * order and swaps each word onto the wire, so every 4 bytes arrive reversed; trailing
     * zeros pad the last word.
     */
    public static String decodeStreamId(byte[] content) {
        byte[] text = new byte[content.length];
        for (int i = 0; i + 4 <= content.length; i += 4) {
            text[i] = content[i + 3];
            text[i + 1] = content[i + 2];
            text[i + 2] = content[i + 1];
            text[i + 3] = content[i];
        }
        int length = text.length;
        while (length > 0 && text[length - 1] == 0) {
            length--;
        }
        return new String(text, 0, length, StandardCharsets.UTF_8);
    }

    /** The inverse of {@link #decodeStreamId}. */
    public static byte[] encodeStreamId(String streamId) {
        byte[] text = streamId.getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[(text.length + 3) / 4 * 4];
        System.arraycopy(text, 0, content, 0, text.length);
        for (int i = 0; i < content.length; i += 4) {
            byte b0 = content[i];
            byte b1 = content[i + 1];
            content[i] = content[i + 3];
            content[i + 1] = content[i + 2];
            content[i + 2] = b1;
            content[i + 3] = b0;
        }
        return content;
    }
}
