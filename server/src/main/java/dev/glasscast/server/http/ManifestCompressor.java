package dev.glasscast.server.http;

import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Compresses text a client asked to have compressed (playlists, MPDs, pages, JSON, scripts)
 * and leaves media alone: segments are already compressed, and compressing them would cost CPU
 * and break byte ranges.
 */
final class ManifestCompressor extends HttpContentCompressor {

    /** Below this, the gzip header and the CPU are not worth it. */
    private static final int MIN_SIZE = 128;

    ManifestCompressor() {
        super(MIN_SIZE, StandardCompressionOptions.gzip(), StandardCompressionOptions.deflate());
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
        if (!isText(response.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
            return null;
        }
        response.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        return super.beginEncode(response, acceptEncoding);
    }

    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        return contentType.startsWith("text/")
                || contentType.startsWith("application/vnd.apple.mpegurl")
                || contentType.startsWith("application/dash+xml")
                || contentType.startsWith("application/json")
                || contentType.startsWith("image/svg+xml");
    }
}
