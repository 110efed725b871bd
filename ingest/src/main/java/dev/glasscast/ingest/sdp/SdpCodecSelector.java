package dev.glasscast.ingest.sdp;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the payload format to answer from what a media section offers: H.264 with
 * packetization-mode=1 (RFC 6184 section 8.1; FU-A needs it, and mode 0 would forbid NAL units
 * larger than a packet) and Opus/48000/2 (RFC 7587 section 7, which requires the "/2" whatever
 * the channel count). Immutable and thread-safe.
 *
 * <p>H.264 offers are ranked by the profile part of profile-level-id (its first four hex digits:
 * profile_idc and the constraint flags), in the order given to the constructor; a format whose
 * profile is not in the list is not chosen. Among equals, one with level-asymmetry-allowed=1 is
 * preferred (RFC 6184 section 8.2.2: the level then only bounds what each side receives), then
 * the offer's order, which is the offerer's preference.
 */
public final class SdpCodecSelector {

    /**
     * Default profiles, best first: Constrained Baseline (42e0, as OBS, Firefox and every browser
     * offer it, and 42c0), Baseline, Main, Constrained High (640c, offered by Safari and newer
     * Chromium), High. An offer without profile-level-id means 420010, Baseline (RFC 6184 8.1).
     */
    public static final List<String> DEFAULT_H264_PROFILES = List.of("42e0", "42c0", "4200", "4d00", "640c", "6400");

    private final List<String> h264Profiles;

    /** @param h264Profiles acceptable profile_idc+constraint prefixes, best first ({@link #DEFAULT_H264_PROFILES}) */
    public SdpCodecSelector(List<String> h264Profiles) {
        if (h264Profiles.isEmpty()) {
            throw new IllegalArgumentException("at least one H.264 profile must be acceptable");
        }
        for (String profile : h264Profiles) {
            if (!profile.matches("[0-9a-fA-F]{4}")) {
                throw new IllegalArgumentException("an H.264 profile is four hex digits: " + profile);
            }
        }
        this.h264Profiles = h264Profiles.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
    }

    public SdpCodecSelector() {
        this(DEFAULT_H264_PROFILES);
    }

    /** The best H.264 packetization-mode=1 format of {@code media}, if any is acceptable. */
    public Optional<SdpCodec> chooseH264(SdpMediaDescription media) {
        List<SdpCodec> offered = media.codecs();
        return offered.stream()
                .filter(c -> c.is("H264", 90000) && "1".equals(c.parameter("packetization-mode")))
                .filter(c -> profileRank(c) >= 0)
                .min(Comparator.comparingInt(this::profileRank)
                        .thenComparing(c -> "1".equals(c.parameter("level-asymmetry-allowed")) ? 0 : 1)
                        .thenComparingInt(offered::indexOf));
    }

    /** The first Opus/48000/2 format of {@code media}, if any. */
    public Optional<SdpCodec> chooseOpus(SdpMediaDescription media) {
        return media.codecs().stream().filter(c -> c.is("opus", 48000) && c.channels() == 2).findFirst();
    }

    /** The index of the format's profile in the preference list, or -1. */
    private int profileRank(SdpCodec codec) {
        String profileLevelId = codec.parameter("profile-level-id");
        if (profileLevelId == null) {
            profileLevelId = "420010";
        }
        if (!profileLevelId.matches("[0-9a-fA-F]{6}")) {
            return -1;
        }
        return h264Profiles.indexOf(profileLevelId.substring(0, 4).toLowerCase(Locale.ROOT));
    }
}
