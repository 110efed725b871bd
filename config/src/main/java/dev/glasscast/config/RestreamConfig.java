package dev.glasscast.config;

/**
 * One destination a stream is pushed to while it is live (YouTube, Twitch, another server).
 *
 * @param url  {@code rtmp://host[:port]/app/key}, {@code rtmps://...} (TLS) or
 *             {@code srt://host:port?streamid=...[&passphrase=...]} (caller mode); the key in it is a
 *             secret: it is shown only as {@link #redactedUrl()}
 * @param send   what goes out: {@code source} or the name of a ladder rung, each with the shared audio
 * @param caFile for {@code rtmps}: a PEM file of the certificate authorities to trust (a relay with
 *               its own certificate); null for the system's bundle. The server's certificate is
 *               always checked
 */
public record RestreamConfig(String url, String send, String caFile) {

    public static final String SOURCE = "source";

    public RestreamConfig {
        if (send == null) {
            send = SOURCE;
        }
    }

    /** A destination trusting the system's certificate authorities. */
    public RestreamConfig(String url, String send) {
        this(url, send, null);
    }

    /** Whether the connection is TLS ({@code rtmps}). */
    public boolean isTls() {
        return url != null && url.startsWith("rtmps://");
    }

    /** The URL without what identifies the account: the path after the app, the query. */
    public String redactedUrl() {
        if (url == null) {
            return null;
        }
        int query = url.indexOf('?');
        String withoutQuery = query >= 0 ? url.substring(0, query) : url;
        int scheme = withoutQuery.indexOf("://");
        int firstSlash = scheme < 0 ? -1 : withoutQuery.indexOf('/', scheme + 3);
        int secondSlash = firstSlash < 0 ? -1 : withoutQuery.indexOf('/', firstSlash + 1);
        String kept = secondSlash >= 0 ? withoutQuery.substring(0, secondSlash + 1) + "[redacted]" : withoutQuery;
        return query >= 0 ? kept + "?[redacted]" : kept;
    }

    @Override
    public String toString() {
        return "RestreamConfig[url=" + redactedUrl() + ", send=" + send + (caFile == null ? "" : ", caFile=" + caFile) + "]";
    }
}
