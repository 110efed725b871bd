package dev.glasscast.transcode;

import dev.glasscast.config.RungConfig;
import dev.glasscast.media.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Chooses the transcoded rungs of {@code ladder: auto} for one source on this machine, the way
 * a broadcaster sizes a ladder for its encoder: the source passes through (its own copy rung,
 * outside this class); below it a rung for weak networks (at most
 * {@value #WEAK_NETWORK_BITRATE} bit/s) is always made; then the standard rungs between them,
 * largest first, as long as the measured encoder speed leaves headroom
 * ({@value #BUDGET_SHARE} of it: decoding, audio, packaging and serving need the rest).
 *
 * <p>The cost of a rung is its pixels per second; x264's time at one preset is close to
 * proportional to it. A source browsers cannot play (HEVC, AV1) also has its copy rung encoded
 * to H.264 at its own size ({@link RungPlanner#encodedCopy}), which is paid for first.
 *
 * <p>Rungs players already hold (an earlier publisher of the same event) are kept whatever this
 * source is, so no listed rendition freezes; {@link RungPlanner} upscales them if they are now
 * larger than the source.
 */
final class AutoLadder {

    /** The rung a phone on poor Wi-Fi can always take. */
    static final long WEAK_NETWORK_BITRATE = 1_000_000;
    /**
     * The share of the measured encoder speed the ladder may use. The measurement is x264 alone
     * on one picture size; a live ladder also decodes the source, scales each rung and shares
     * the cores with audio, packaging and serving. On the 2-core machine of BENCHMARKS.md x264
     * veryfast measures 56 Mpixel/s a core, so half of 2 cores takes the 720p/480p/360p ladder of
     * a 1080p30 source (47 Mpixel/s), which bench/transcode runs at 1.1-2x real time.
     */
    static final double BUDGET_SHARE = 0.5;

    /** A standard rung: its name is its height, as players and operators expect. */
    record Standard(int height, long bitrate) {
        String name() {
            return height + "p";
        }
    }

    /** Broadcasters' usual H.264 rungs and bitrates at 30 fps, largest first. */
    static final List<Standard> STANDARD = List.of(
            new Standard(1080, 5_000_000),
            new Standard(720, 2_800_000),
            new Standard(480, 1_400_000),
            new Standard(360, 800_000),
            new Standard(240, 400_000),
            new Standard(144, 200_000));

    /**
     * What was chosen, and why, in words for the log, the API and the dashboard.
     *
     * @param rungs   the transcoded rungs, largest first (the copy rung is not among them)
     * @param reasons one line per standard rung considered
     */
    record Choice(List<RungConfig> rungs, List<String> reasons) {
    }

    private AutoLadder() {
    }

    /**
     * @param auto           the {@code auto} rung of the configuration: its preset and audio bitrate
     * @param sourceWidth    the decoded picture's width
     * @param sourceHeight   the decoded picture's height
     * @param sourceFps      the source's frame rate, 0 if unknown (30 is assumed)
     * @param sourceCodec    the source video's codec
     * @param pixelsPerSecond what this machine's x264 encodes per second at the auto rung's preset,
     *                       all cores together ({@link EncoderSpeed})
     * @param listed         whether players already hold a rendition of this name
     */
    static Choice choose(RungConfig auto, int sourceWidth, int sourceHeight, double sourceFps, Codec sourceCodec,
                         double pixelsPerSecond, Predicate<String> listed) {
        double fps = sourceFps > 0 ? sourceFps : 30;
        double budget = pixelsPerSecond * BUDGET_SHARE;
        double spent = 0;
        List<String> reasons = new ArrayList<>();
        if (sourceCodec != Codec.H264) {
            int height = Math.min(sourceHeight, RungPlanner.MAX_ENCODED_COPY_HEIGHT);
            spent += (double) height * sourceWidth * height / sourceHeight * fps;
            reasons.add(String.format(Locale.ROOT, "the %s source is encoded to H.264 for browsers (%.0f%% of the "
                    + "encoder budget)", sourceCodec, 100 * spent / budget));
        }
        Standard weak = weakNetworkRung(sourceHeight);
        List<RungConfig> chosen = new ArrayList<>();
        for (Standard standard : STANDARD) {
            int width = widthFor(standard.height(), sourceWidth, sourceHeight);
            double cost = (double) width * standard.height() * fps;
            String name = standard.name();
            if (listed.test(name)) {
                chosen.add(rung(auto, standard));
                spent += cost;
                reasons.add(name + ": players already hold it from earlier in this event; kept");
            } else if (standard.height() >= sourceHeight) {
                reasons.add(name + ": not below the source (" + sourceWidth + "x" + sourceHeight
                        + "), which passes through");
            } else if (standard.equals(weak)) {
                chosen.add(rung(auto, standard));
                spent += cost;
                reasons.add(String.format(Locale.ROOT, "%s: the rung for weak networks (%d kbit/s), always made",
                        name, standard.bitrate() / 1000));
            } else if (weak != null && standard.height() < weak.height()) {
                reasons.add(name + ": below the weak-network rung; not needed");
            } else if (spent + cost <= budget - weakCost(weak, sourceWidth, sourceHeight, fps, chosen)) {
                chosen.add(rung(auto, standard));
                spent += cost;
                reasons.add(String.format(Locale.ROOT, "%s: fits this machine (the ladder now uses %.0f%% of the "
                        + "encoder budget)", name, 100 * spent / budget));
            } else {
                reasons.add(String.format(Locale.ROOT, "%s: left out, this machine's encoder cannot also make it in "
                        + "real time (it would need %.0f%% of the budget)", name, 100 * (spent + cost) / budget));
            }
        }
        return new Choice(List.copyOf(chosen), List.copyOf(reasons));
    }

    /** The largest standard rung below the source within {@link #WEAK_NETWORK_BITRATE}, or null. */
    static Standard weakNetworkRung(int sourceHeight) {
        for (Standard standard : STANDARD) {
            if (standard.height() < sourceHeight && standard.bitrate() <= WEAK_NETWORK_BITRATE) {
                return standard;
            }
        }
        return null;
    }

    /** The weak-network rung's cost while it is still to come (rungs are walked largest first). */
    private static double weakCost(Standard weak, int sourceWidth, int sourceHeight, double fps, List<RungConfig> chosen) {
        if (weak == null || chosen.stream().anyMatch(r -> r.name().equals(weak.name()))) {
            return 0;
        }
        return (double) widthFor(weak.height(), sourceWidth, sourceHeight) * weak.height() * fps;
    }

    private static int widthFor(int height, int sourceWidth, int sourceHeight) {
        long width = Math.round((double) sourceWidth * height / sourceHeight);
        return (int) Math.max(2, width + (width & 1));
    }

    private static RungConfig rung(RungConfig auto, Standard standard) {
        String profile = standard.height() >= 720 ? "high" : "main";
        return new RungConfig(standard.name(), "h264", 0, standard.height(), standard.bitrate(),
                standard.bitrate() * 11 / 10, standard.bitrate() * 2, 0, auto.preset(), profile, null,
                auto.audioBitrate(), 0);
    }
}
