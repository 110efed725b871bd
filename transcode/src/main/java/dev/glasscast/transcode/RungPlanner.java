package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Decides, once per publisher session from its first decoded picture, how each rung of the
 * ladder is made from this source.
 *
 * <p>The rules are a production encoder's: a rendition that players already hold keeps
 * advancing, so a rung larger than a later, smaller source is upscaled rather than left to
 * freeze (the rendition set of a live event never changes under the players); on a stream's
 * first session a rung larger than the source is skipped, since upscaling adds bits and no
 * detail. A {@code copy} rung passes H.264 through; any other codec (H.265, AV1) cannot play in
 * most browsers, so the copy rung is encoded to H.264 at the source's size instead. An HEVC
 * source is also passed through as its own rendition, {@code <copy rung>-hevc}, for the players
 * that take HEVC (Safari); once listed, a later H.264 publisher's pictures are encoded to HEVC
 * for it, so it keeps advancing too.
 */
final class RungPlanner {

    /** The largest picture a copy rung is encoded at when its source is not H.264. */
    static final int MAX_ENCODED_COPY_HEIGHT = 1080;
    /** Appended to a copy rung's name for the rendition that carries an HEVC source as it is. */
    static final String HEVC_SUFFIX = "-hevc";

    /** Why a rung is made the way it is; logged, and shown to the operator. */
    enum Decision {
        /** Scaled down (or kept) from the source. */
        ENCODE,
        /** Larger than this source, but players already hold the rendition: upscaled. */
        UPSCALE,
        /** A copy rung whose source codec browsers cannot play: encoded to H.264 instead. */
        ENCODE_INSTEAD_OF_COPY,
        /**
         * The HEVC rendition an earlier HEVC publisher of this event passed through, which
         * players hold: this source, not HEVC, is encoded to HEVC for it.
         */
        ENCODE_HEVC_FOR_LISTED,
        /** Larger than the source on the stream's first session: not made. */
        SKIP
    }

    /**
     * How one rung is made.
     *
     * @param rung     the settings the encoder gets (for a copy rung encoded instead, derived
     *                 from the source; otherwise the configured rung)
     * @param width    output width
     * @param height   output height
     * @param decision why
     */
    record Plan(RungConfig rung, int width, int height, Decision decision) {
    }

    private RungPlanner() {
    }

    /**
     * @param ladder        the configured rungs
     * @param sourceWidth   the decoded picture's width
     * @param sourceHeight  the decoded picture's height
     * @param sourceCodec   the source video's codec
     * @param sourceBitrate the source's nominal bitrate, 0 if unknown
     * @param listed        whether players already hold a rendition of this name (an earlier
     *                      session of the same live event made it)
     * @return a plan for every rung that is encoded or skipped; copy rungs passed through are left out
     */
    static List<Plan> plan(List<RungConfig> ladder, int sourceWidth, int sourceHeight, Codec sourceCodec,
                           long sourceBitrate, Predicate<String> listed) {
        List<Plan> plans = new ArrayList<>();
        for (RungConfig rung : ladder) {
            if (rung.isCopy()) {
                if (sourceCodec != Codec.H264) {
                    RungConfig encoded = encodedCopy(rung, sourceWidth, sourceHeight, sourceBitrate);
                    plans.add(new Plan(encoded, encoded.outputWidth(sourceWidth, sourceHeight), encoded.height(),
                            Decision.ENCODE_INSTEAD_OF_COPY));
                }
                if (sourceCodec != Codec.H265 && listed.test(hevcName(rung))) {
                    RungConfig hevc = hevcCopy(rung, sourceWidth, sourceHeight, 0);
                    plans.add(new Plan(hevc, hevc.outputWidth(sourceWidth, sourceHeight), hevc.height(),
                            Decision.ENCODE_HEVC_FOR_LISTED));
                }
                continue;
            }
            int width = rung.outputWidth(sourceWidth, sourceHeight);
            int height = rung.height();
            boolean larger = height > sourceHeight || width > sourceWidth;
            Decision decision = !larger ? Decision.ENCODE : listed.test(rung.name()) ? Decision.UPSCALE : Decision.SKIP;
            plans.add(new Plan(rung, width, height, decision));
        }
        return plans;
    }

    /**
     * The H.264 settings a copy rung gets when its source is another codec: the source's picture
     * (at most {@value #MAX_ENCODED_COPY_HEIGHT} lines) at a bitrate for that size, the copy
     * rung's preset, profile and audio.
     */
    static RungConfig encodedCopy(RungConfig copy, int sourceWidth, int sourceHeight, long sourceBitrate) {
        int height = Math.min(sourceHeight, MAX_ENCODED_COPY_HEIGHT);
        height += height & 1;
        long bitrate = bitrateFor(height);
        if (sourceBitrate > 0) {
            // H.264 needs about half as many bits again as H.265 or AV1 for the same picture.
            bitrate = Math.min(bitrate, sourceBitrate * 3 / 2);
        }
        return new RungConfig(copy.name(), "h264", 0, height, bitrate, 0, 0, copy.maxFps(), copy.preset(),
                copy.profile(), copy.level(), copy.audioBitrate(), 0);
    }

    /** The name of the rendition that carries an HEVC source through for a copy rung. */
    static String hevcName(RungConfig copy) {
        return copy.name() + HEVC_SUFFIX;
    }

    /**
     * The settings of a copy rung's HEVC rendition: the source's name and bitrate (advertised for
     * the passthrough), and, for when GlassCast encodes it (the slate, a later H.264 source),
     * x265 at its fastest preset (x265 costs several times x264 for the same picture) at the
     * source's picture, at most {@value #MAX_ENCODED_COPY_HEIGHT} lines.
     */
    static RungConfig hevcCopy(RungConfig copy, int sourceWidth, int sourceHeight, long sourceBitrate) {
        int height = Math.min(sourceHeight, MAX_ENCODED_COPY_HEIGHT);
        height += height & 1;
        // HEVC needs about two thirds of H.264's bits for the same picture.
        long bitrate = sourceBitrate > 0 ? sourceBitrate : bitrateFor(height) * 2 / 3;
        return new RungConfig(hevcName(copy), "h265", 0, height, bitrate, 0, 0, copy.maxFps(), "ultrafast", "main",
                null, copy.audioBitrate(), 0);
    }

    /** A broadcaster's usual H.264 bitrate for a picture height (30 fps, streaming quality). */
    static long bitrateFor(int height) {
        if (height >= 1080) {
            return 5_000_000;
        }
        if (height >= 720) {
            return 2_800_000;
        }
        if (height >= 480) {
            return 1_400_000;
        }
        return 800_000;
    }
}
