package dev.glasscast.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The pages and front-end assets the daemon serves, read once from the classpath at start-up:
 * the watch page template and hls.js from its webjar (a Maven dependency, never copied into the
 * repository).
 */
public final class WebContent {

    /** A static asset: its bytes (shared, never released) and content type. */
    public record Asset(ByteBuf bytes, String contentType) {
        public ByteBuf body() {
            return bytes.retainedDuplicate();
        }
    }

    private final String watchTemplate;
    private final Map<String, Asset> assets;

    public WebContent() {
        Properties build = new Properties();
        try (InputStream in = resource("/dev/glasscast/server/build.properties")) {
            build.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String hlsjs = "/META-INF/resources/webjars/hls.js/" + build.getProperty("hlsjs.version") + "/dist/hls.min.js";
        this.watchTemplate = new String(bytes("/dev/glasscast/server/web/watch.html"), StandardCharsets.UTF_8);
        this.assets = Map.of("hls.min.js", new Asset(
                Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes(hlsjs))), "text/javascript; charset=utf-8"));
    }

    public Optional<Asset> asset(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** The watch page of {@code stream}, whose name is already validated as {@code [A-Za-z0-9_-]+}. */
    public String watchPage(String stream) {
        return watchPage(stream, null);
    }

    /**
     * The watch page of {@code stream} playing through the signed playback {@code token} (null for
     * none); both are already validated ({@code [A-Za-z0-9_.-]}), so they need no escaping in HTML
     * or JavaScript.
     */
    public String watchPage(String stream, String token) {
        String media = "/live/" + stream + "/" + (token == null ? "" : PlaybackTokens.PATH_ELEMENT + "/" + token + "/");
        return watchTemplate.replace("{{media}}", media).replace("{{stream}}", stream);
    }

    private static byte[] bytes(String path) {
        try (InputStream in = resource(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = WebContent.class.getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("missing classpath resource " + path);
        }
        return in;
    }
}
