package dev.glasscast.ingest.sdp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One RTP payload format of a media section: {@code a=rtpmap}, {@code a=fmtp} and its
 * {@code a=rtcp-fb} lines (RFC 8866 section 6.6, RFC 4585 section 4.2).
 *
 * @param name     the encoding name as written ({@code H264}, {@code opus}); compare ignoring case
 * @param channels audio channels, 1 when the rtpmap gives none
 * @param fmtp     the format parameters as written, or null
 * @param feedback the rtcp-fb values ({@code nack}, {@code nack pli}, {@code transport-cc}...),
 *                 with those for {@code *} included
 */
public record SdpCodec(int payloadType, String name, int clockRate, int channels, String fmtp, List<String> feedback) {

    public SdpCodec {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type 0..127: " + payloadType);
        }
        feedback = List.copyOf(feedback);
    }

    /** Whether this is {@code name}/{@code clockRate}, ignoring the case of the name. */
    public boolean is(String encoding, int rate) {
        return name.equalsIgnoreCase(encoding) && clockRate == rate;
    }

    /**
     * The fmtp parameters as {@code key=value} pairs in order, keys in lower case. Parameters
     * that are not pairs (RED's {@code 111/111}) are left out.
     */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (fmtp != null) {
            for (String part : fmtp.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    parameters.putIfAbsent(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
                }
            }
        }
        return parameters;
    }

    /** The fmtp parameter {@code key}, or null. */
    public String parameter(String key) {
        return parameters().get(key.toLowerCase(Locale.ROOT));
    }

    /** The rtpmap value: {@code <pt> <name>/<rate>[/<channels>]}, the channels only when not 1. */
    String rtpmapValue() {
        return payloadType + " " + name + "/" + clockRate + (channels != 1 ? "/" + channels : "");
    }

    /** A copy with other feedback. */
    public SdpCodec withFeedback(List<String> values) {
        return new SdpCodec(payloadType, name, clockRate, channels, fmtp, values);
    }
}
