package dev.glasscast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
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

    /** What the config check and the API's add both say about a destination GlassCast cannot push to. */
    @Test
    void problemsNameTheFieldAndKeepTheKeyOut() {
        List<RungConfig> ladder = List.of(new RungConfig("360p", "h264", 640, 360, 800_000, 0, 0, 0, "veryfast", "main",
                "3.0", 96_000));
        assertEquals(List.of(), new RestreamConfig("rtmps://a.example.org/app/k", "360p").problems(ladder));
        assertEquals(List.of(), new RestreamConfig("srt://b.example.org:9000?streamid=main", null).problems(ladder));
        List<RestreamConfig.Problem> problems = new RestreamConfig("http://a.example.org/app/the-key", "1080p", "/none.pem")
                .problems(ladder);
        assertEquals(List.of("url", "send", "ca_file"), problems.stream().map(RestreamConfig.Problem::field).toList());
        assertFalse(problems.toString().contains("the-key"), problems.toString());
        assertEquals("'1080p' is not source or a rung of the ladder (source, 360p)", problems.get(1).message());
    }
}
