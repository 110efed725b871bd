package dev.glasscast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.ingest.sdp.SdpAnswerBuilder;
import dev.glasscast.ingest.sdp.SdpCodecSelector;
import dev.glasscast.ingest.sdp.SdpFingerprint;
import dev.glasscast.ingest.sdp.SdpLocalParameters;
import dev.glasscast.ingest.sdp.SdpNegotiationException;
import dev.glasscast.ingest.sdp.SdpParseException;
import dev.glasscast.ingest.sdp.SdpParser;
import dev.glasscast.ingest.sdp.SdpSerializer;
import dev.glasscast.ingest.sdp.SdpSessionDescription;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * An SDP body through {@link SdpParser} and, when it parses, {@link SdpAnswerBuilder} in both
 * modes: what anyone can POST to a WHEP or WHIP endpoint. Refusals are
 * {@link SdpParseException} and {@link SdpNegotiationException} only. Differential: a parsed
 * offer, serialised, parses to the same model; so does every answer.
 */
class SdpParserFuzzTest {

    private static final SdpLocalParameters LOCAL = new SdpLocalParameters("fuzzUfrag", "fuzzPassword0123456789ab",
            SdpFingerprint.sha256("D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F"),
            List.of(new InetSocketAddress("192.0.2.10", 8189)), "fuzz", "fuzz", 1, 2, "1");
    private final SdpParser parser = new SdpParser();
    /** Serialising adds rtpmap lines for static payload types, so the re-parse may need more room. */
    private final SdpParser roomy = new SdpParser(1 << 20, 1 << 16, SdpParser.DEFAULT_MAX_MEDIA_SECTIONS, 1 << 16);
    private final SdpAnswerBuilder builder = new SdpAnswerBuilder(new SdpCodecSelector());

    @FuzzTest(maxDuration = "5s")
    void parsesOrRefusesEveryBody(byte[] input) throws SdpParseException {
        SdpSessionDescription offer;
        try {
            offer = parser.parse(input);
        } catch (SdpParseException refused) {
            return;
        }
        assertEquals(offer, roomy.parse(SdpSerializer.serialize(offer)), "offer after serialising");
        for (SdpAnswerBuilder.Mode mode : SdpAnswerBuilder.Mode.values()) {
            try {
                var answer = builder.answer(offer, LOCAL, mode);
                assertEquals(answer.description(), roomy.parse(answer.sdp()), "answer after serialising");
            } catch (SdpNegotiationException refused) {
                // no usable media: a reason for the client
            }
        }
    }
}
