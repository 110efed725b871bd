package dev.glasscast.ingest.srt;

import dev.glasscast.ingest.auth.PublishAuthorizer;
import dev.glasscast.media.StreamPath;
import java.util.Optional;

/**
 * What a caller's stream id (the SID handshake extension, {@code streamid=} in ffmpeg and OBS
 * URLs) asks for, and who may have it. Accepted forms:
 * <ul>
 *   <li>SRT access control ({@code #!::} then comma-separated {@code key=value}):
 *       {@code #!::r=live/NAME,m=publish,k=KEY}. {@code r} names the stream (an optional
 *       {@code live/} prefix is ignored); the stream key goes in {@code k} (GlassCast's own
 *       key; {@code u} is a user name and is ignored). {@code #!::r=KEY} alone, with the key as
 *       the resource, also works. {@code m} is {@code publish} (the default) or
 *       {@code request} to read: {@code #!::r=live/NAME/RENDITION,m=request} (the rendition is
 *       optional; {@code k} carries a playback token where the stream's playback is signed).</li>
 *   <li>MediaMTX: {@code publish:live/NAME:USER:KEY}; the key is the password part.
 *       {@code publish:KEY} treats the path as the key. {@code read:live/NAME[/RENDITION]}
 *       reads, with a playback token as the password part where one is needed.</li>
 *   <li>A path with the key as query: {@code live/NAME?key=KEY} (SRS-style {@code secret=}
 *       also).</li>
 *   <li>A bare key, optionally after {@code live/}: {@code KEY} or {@code live/KEY}, the
 *       simplest thing to paste into OBS. The key alone selects its stream.</li>
 * </ul>
 * A plain {@code live/NAME} without a key is refused as unauthorized, like a wrong key.
 *
 * @param resource the stream name or key as given (without {@code live/}), may be empty
 * @param key      the key (or, to read, the playback token) when given separately from the resource, else null
 * @param mode     what the caller asked to do
 */
public record SrtStreamId(String resource, String key, Mode mode) {

    /** The SRT access-control {@code m} values: to send, to receive, or one not supported. */
    public enum Mode { PUBLISH, REQUEST, UNSUPPORTED }

    /** Longest stream id accepted: libsrt's own limit (SRT_STREAMID_MAX = 512). */
    public static final int MAX_LENGTH = 512;

    /** The outcome: a stream name to publish, or why not. */
    public record Decision(String stream, SrtRejectReason rejection) {
        static Decision accept(String stream) {
            return new Decision(stream, null);
        }

        static Decision reject(SrtRejectReason reason) {
            return new Decision(null, reason);
        }

        public boolean accepted() {
            return stream != null;
        }
    }

    /** Parses {@code text}, or returns null when it is absent, too long or has no recognisable form. */
    public static SrtStreamId parse(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return null;
            }
        }
        if (text.startsWith("#!::")) {
            String resource = "";
            String key = null;
            Mode mode = Mode.PUBLISH;
            for (String pair : text.substring(4).split(",", 32)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    return null;
                }
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                switch (name) {
                    case "r" -> resource = value;
                    case "k" -> key = value;
                    case "m" -> mode = switch (value) {
                        case "publish" -> Mode.PUBLISH;
                        case "request" -> Mode.REQUEST;
                        default -> Mode.UNSUPPORTED; // bidirectional, or anything else
                    };
                    default -> { } // u (user), s (session), t (type), h (host) and custom keys: not needed
                }
            }
            return withQueryKey(stripLive(resource), key, mode);
        }
        if (text.startsWith("publish:") || text.startsWith("read:")) {
            String[] parts = text.split(":", 5);
            Mode mode = parts[0].equals("publish") ? Mode.PUBLISH : Mode.REQUEST;
            String path = parts.length > 1 ? parts[1] : "";
            String key = parts.length >= 4 ? parts[3] : null;
            return withQueryKey(stripLive(path), key, mode);
        }
        return withQueryKey(stripLive(text), null, Mode.PUBLISH);
    }

    private static SrtStreamId withQueryKey(String resource, String key, Mode mode) {
        int query = resource.indexOf('?');
        if (query >= 0) {
            for (String pair : resource.substring(query + 1).split("&", 16)) {
                if (pair.startsWith("key=") || pair.startsWith("secret=")) {
                    key = pair.substring(pair.indexOf('=') + 1);
                }
            }
            resource = resource.substring(0, query);
        }
        return new SrtStreamId(resource, key == null || key.isEmpty() ? null : key, mode);
    }

    /** Whether the caller asked to publish. */
    public boolean publish() {
        return mode == Mode.PUBLISH;
    }

    /**
     * What a caller that asked to read ({@code m=request}, {@code read:}) wants: the stream, and
     * the rendition after a slash if it named one. Null when it did not ask to read, or named no
     * valid stream.
     */
    public SrtReadRequest readRequest() {
        if (mode != Mode.REQUEST) {
            return null;
        }
        int slash = resource.indexOf('/');
        String stream = slash < 0 ? resource : resource.substring(0, slash);
        String rendition = slash < 0 ? null : resource.substring(slash + 1);
        if (!StreamPath.isValidName(stream) || (rendition != null && !StreamPath.isValidName(rendition))) {
            return null;
        }
        return new SrtReadRequest(stream, rendition, key);
    }

    private static String stripLive(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.startsWith("live/") ? trimmed.substring(5) : trimmed;
    }

    /** The stream key the caller presented: the separate key, or else the resource. */
    public String presentedKey() {
        return key != null ? key : resource;
    }

    /** Decides whether the caller may publish, and which stream: always asks {@code authorizer}. */
    public Decision authorize(PublishAuthorizer authorizer) {
        return authorize(authorizer, null);
    }

    /**
     * As {@link #authorize(PublishAuthorizer)}, counting a refused key against {@code from} and
     * refusing an address that failed too often lately (null: not limited).
     */
    public Decision authorize(PublishAuthorizer authorizer, java.net.InetAddress from) {
        if (mode != Mode.PUBLISH) {
            return Decision.reject(SrtRejectReason.BAD_MODE);
        }
        if (key != null) {
            if (resource.isEmpty()) {
                Optional<String> stream = authorizer.streamForKey(key, from);
                return stream.map(Decision::accept).orElseGet(() -> Decision.reject(SrtRejectReason.UNAUTHORIZED));
            }
            return StreamPath.isValidName(resource) && authorizer.mayPublish(resource, key, from)
                    ? Decision.accept(resource) : Decision.reject(SrtRejectReason.UNAUTHORIZED);
        }
        if (resource.isEmpty()) {
            return Decision.reject(SrtRejectReason.BAD_REQUEST);
        }
        return authorizer.streamForKey(resource, from).map(Decision::accept)
                .orElseGet(() -> Decision.reject(SrtRejectReason.UNAUTHORIZED));
    }

    @Override
    public String toString() {
        return "SrtStreamId[resource=" + (key == null ? "<redacted>" : resource) + ", key=" + (key == null ? "none" : "<redacted>")
                + ", mode=" + mode + "]";
    }
}
