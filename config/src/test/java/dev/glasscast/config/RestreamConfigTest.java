package dev.glasscast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** A destination's URL carries its account key: shown anywhere, the key is left out. */
class RestreamConfigTest {

    @Test
    void theKeyIsLeftOutOfEveryFormOfUrl() {
        assertEquals("rtmp://a.rtmp.youtube.com/live2/[redacted]",
                new RestreamConfig("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl", null).redactedUrl());
        assertEquals("rtmps://live-api-s.facebook.com:443/rtmp/[redacted]?[redacted]",
                new RestreamConfig("rtmps://live-api-s.facebook.com:443/rtmp/FB-123?s_bl=1&a=secret", null).redactedUrl());
        assertEquals("srt://backup.example.org:9000?[redacted]",
                new RestreamConfig("srt://backup.example.org:9000?streamid=#!::r=live/main,s=key&passphrase=secret1234",
                        "720p").redactedUrl());
        assertFalse(new RestreamConfig("rtmp://host/app/the-key", null).toString().contains("the-key"));
        assertEquals(RestreamConfig.SOURCE, new RestreamConfig("rtmp://host/app/k", null).send());
    }
}
