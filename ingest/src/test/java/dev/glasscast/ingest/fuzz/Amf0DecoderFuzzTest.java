package dev.glasscast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.ingest.amf0.Amf0Decoder;
import dev.glasscast.ingest.amf0.Amf0Encoder;
import dev.glasscast.ingest.amf0.Amf0Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Decodes arbitrary bytes as the AMF0 values of a command message. {@link Amf0Exception} is the
 * decoder's clean refusal; anything else is a finding. What decodes must also survive an
 * encode/decode round trip unchanged, since the server echoes command values back.
 */
class Amf0DecoderFuzzTest {

    private final Amf0Decoder decoder = new Amf0Decoder(8, 1024, 64);
    /**
     * Re-reads what was encoded. Its string limit is wider: malformed UTF-8 decodes to U+FFFD
     * (three bytes each), so a string that fitted the limit on the wire can be longer once
     * re-encoded (found by this target; seed finding-malformed-utf8-grows-when-re-encoded).
     */
    private final Amf0Decoder rereader = new Amf0Decoder(8, 3 * 1024, 64);
    private final Amf0Encoder encoder = new Amf0Encoder();

    @FuzzTest(maxDuration = "5s")
    void decodesOrRejectsCleanly(byte[] input) {
        List<Object> values;
        try {
            values = decoder.decodeAll(Unpooled.wrappedBuffer(input));
        } catch (Amf0Exception expected) {
            return;
        }
        ByteBuf encoded = Unpooled.buffer();
        try {
            for (Object value : values) {
                encoder.encode(encoded, value);
            }
            assertEquals(values, rereader.decodeAll(encoded));
        } finally {
            encoded.release();
        }
    }
}
