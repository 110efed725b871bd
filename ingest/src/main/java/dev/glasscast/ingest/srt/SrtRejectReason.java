package dev.glasscast.ingest.srt;

/**
 * Why a handshake was refused. The handshake type of the refusal is 1000 + {@link #code}
 * (libsrt's URQFailure), which the caller turns back into the code its application sees
 * (ffmpeg prints it, {@code srt_getrejectreason} returns it).
 */
public enum SrtRejectReason {
    /** SRT_REJ_ROGUE: incorrect data in the handshake. */
    ROGUE(4, "rogue peer or incorrect parameters"),
    /** SRT_REJ_BACKLOG: too many connections. */
    BACKLOG(5, "listener's backlog exceeded"),
    /** SRT_REJ_VERSION: the caller's SRT is too old. */
    VERSION(8, "peer version too old"),
    /** SRT_REJ_BADSECRET: the passphrase does not unwrap the key material. */
    BAD_SECRET(10, "incorrect passphrase"),
    /** SRT_REJ_UNSECURE: encryption required but not offered, or offered but not configured. */
    UNSECURE(11, "password required or unexpected"),
    /** SRT_REJ_MESSAGEAPI: the caller wants stream mode (file transfer), not live messages. */
    MESSAGE_API(12, "stream API not supported"),
    /** SRT_REJX_BAD_REQUEST: no usable stream id. */
    BAD_REQUEST(1400, "bad request: no usable stream id"),
    /** SRT_REJX_UNAUTHORIZED: unknown or wrong stream key. */
    UNAUTHORIZED(1401, "unauthorized: unknown stream key"),
    /**
     * SRT_REJX_FORBIDDEN: the key checked out, the operator's on_publish check refused; or a
     * reader without a valid playback token for a stream with signed playback.
     */
    FORBIDDEN(1403, "forbidden: refused by the on_publish check, or no valid playback token"),
    /** SRT_REJX_NOTFOUND: a reader asked for a stream or rendition that is not live. */
    NOT_FOUND(1404, "not found: no such live stream or rendition"),
    /** SRT_REJX_BAD_MODE: a mode other than m=publish or m=request. */
    BAD_MODE(1405, "bad mode: only m=publish and m=request are accepted"),
    /** SRT_REJX_CONFLICT: the stream is already being published. */
    CONFLICT(1409, "conflict: stream already live"),
    /** SRT_REJX_NOTSUP_MEDIA: a reader asked for a rendition that cannot go out as MPEG-TS here. */
    UNSUPPORTED_MEDIA(1415, "unsupported media: the rendition cannot be sent as MPEG-TS");

    final int code;
    final String description;

    SrtRejectReason(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    /** The handshake type that carries this reason. */
    public int handshakeType() {
        return SrtHandshakeMessage.TYPE_FAILURE_BASE + code;
    }

    @Override
    public String toString() {
        return name() + "(" + code + ": " + description + ")";
    }
}
