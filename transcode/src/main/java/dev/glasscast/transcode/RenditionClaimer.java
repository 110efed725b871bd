package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.StreamConflictException;
import dev.glasscast.media.StreamPublisher;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims the renditions of one session's stream through its {@link SourceTranscoder.RenditionOpener},
 * patiently: when a publisher reconnects at once, the renditions of its previous session may
 * still be draining on their threads and hold the path for a moment, so a conflict is retried
 * for up to {@link #RENDITION_CLAIM_PATIENCE_MILLIS}. Used by the reader thread (copy rungs,
 * audio) and the decode thread (transcoded rungs); it keeps no state of its own.
 */
final class RenditionClaimer {

    private static final Logger log = LoggerFactory.getLogger(RenditionClaimer.class);

    /** How long a rendition path held by a previous session of the same stream is waited for. */
    static final long RENDITION_CLAIM_PATIENCE_MILLIS = 3_000;

    private final SourceTranscoder.RenditionOpener opener;
    private final String stream;

    RenditionClaimer(SourceTranscoder.RenditionOpener opener, String stream) {
        this.opener = opener;
        this.stream = stream;
    }

    /**
     * @param rung the rung's settings, or null for the audio rendition
     * @return the rendition's publisher, or null if it could not be claimed in time
     */
    StreamPublisher claim(String rendition, RungConfig rung) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RENDITION_CLAIM_PATIENCE_MILLIS);
        while (true) {
            try {
                return opener.open(rendition, rung);
            } catch (StreamConflictException e) {
                if (System.nanoTime() > deadline) {
                    log.error("{}: cannot publish rendition {}: {}", stream, rendition, e.getMessage());
                    return null;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Whether players already hold a rendition of this name (see {@link RungPlanner}). */
    boolean holds(String rendition) {
        return opener.holds(rendition);
    }
}
