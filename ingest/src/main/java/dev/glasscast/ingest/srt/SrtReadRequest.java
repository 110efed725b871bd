package dev.glasscast.ingest.srt;

/**
 * What an SRT caller that asked to read wants ({@code #!::r=live/main/480p,m=request}).
 *
 * @param stream    the stream's name
 * @param rendition the rendition's name, or null for the stream's default
 * @param token     a playback token (for a stream whose playback is signed), or null
 */
public record SrtReadRequest(String stream, String rendition, String token) {

    @Override
    public String toString() {
        return "SrtReadRequest[" + stream + (rendition == null ? "" : "/" + rendition)
                + (token == null ? "" : ", token=<redacted>") + "]";
    }
}
