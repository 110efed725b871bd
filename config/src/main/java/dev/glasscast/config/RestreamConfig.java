package dev.glasscast.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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

    private static final Pattern RTMP_DESTINATION = Pattern.compile("rtmps?://[^/\\s]+/[^/\\s]+/\\S+");
    private static final Pattern SRT_DESTINATION = Pattern.compile("srt://[^/?\\s]+:\\d+(\\?\\S*)?");

    /** One thing wrong with a destination: the field ({@code url}, {@code send}, {@code ca_file}) and why. */
    public record Problem(String field, String message) {
    }

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

    /**
     * What is wrong with this destination for a stream of {@code ladder}, in words for the
     * operator (the URL shown redacted); empty when it can be pushed to.
     */
    public List<Problem> problems(List<RungConfig> ladder) {
        List<String> sendable = new ArrayList<>();
        sendable.add(SOURCE);
        ladder.stream().filter(rung -> !rung.isAuto()).map(RungConfig::name)
                .filter(name -> !name.equals(SOURCE)).forEach(sendable::add);
        List<Problem> problems = new ArrayList<>();
        if (url == null || !(RTMP_DESTINATION.matcher(url).matches() || SRT_DESTINATION.matcher(url).matches())) {
            problems.add(new Problem("url", (url == null ? "null" : "'" + redactedUrl() + "'")
                    + " is not a restream URL; write rtmp://host/app/key, rtmps://host/app/key or"
                    + " srt://host:port?streamid=..."));
        }
        if (!sendable.contains(send)) {
            problems.add(new Problem("send", "'" + send + "' is not source or a rung of the ladder ("
                    + String.join(", ", sendable) + ")"));
        }
        if (caFile != null) {
            if (!isTls()) {
                problems.add(new Problem("ca_file", "is only for rtmps:// destinations; remove it or use rtmps"));
            } else if (!Files.isReadable(Path.of(caFile))) {
                problems.add(new Problem("ca_file", "'" + caFile
                        + "' cannot be read; give the path of a PEM file of the CAs to trust"));
            }
        }
        return problems;
    }

    @Override
    public String toString() {
        return "RestreamConfig[url=" + redactedUrl() + ", send=" + send + (caFile == null ? "" : ", caFile=" + caFile) + "]";
    }
}
