package dev.glasscast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each invalid config yields exactly the operator-facing lines listed, with their locations. */
class ConfigValidationTest {

    private final ConfigLoader loader = new ConfigLoader();

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                Arguments.of("odd height", """
                        ladder:
                          - name: 720p
                            height: 1081
                            video_bitrate: 3000k
                        """, List.of("ladder[0].height: 1081 is odd; use an even number (line 3, column 13)")),
                Arguments.of("unknown key, closest suggested", """
                        server:
                          http_prot: 8081
                        """, List.of("server.http_prot: unknown key; did you mean 'http_port'? Allowed here: bind, http_port,"
                        + " public_url, admin_token, tls, request_read_timeout, playback_secret, playback_link_lifetime"
                        + " (line 2, column 3)")),
                Arguments.of("unknown key without a close one", """
                        colour: blue
                        """, List.of("colour: unknown key Allowed here: data_dir, server, ingest, ladder, packaging, cache,"
                        + " test_source, audio, slate, webhooks, webrtc (line 1, column 1)")),
                Arguments.of("restream destinations", """
                        ingest:
                          streams:
                            - name: main
                              restream:
                                - url: http://a.rtmp.youtube.com/live2/secret-key
                                - url: rtmp://a.rtmp.youtube.com/live2/secret-key
                                  send: 1080p
                                - url: rtmp://relay.example.org/live/secret-key
                                  ca_file: /etc/relay-ca.pem
                                - url: rtmps://relay.example.org/live/secret-key
                                  ca_file: /no/such/relay-ca.pem
                        """, List.of(
                        "ingest.streams[0].restream[0].url: 'http://a.rtmp.youtube.com/live2/[redacted]' is not a restream"
                                + " URL; write rtmp://host/app/key, rtmps://host/app/key or srt://host:port?streamid=..."
                                + " (line 5, column 16)",
                        "ingest.streams[0].restream[1].send: '1080p' is not source or a rung of the ladder (source)"
                                + " (line 7, column 17)",
                        "ingest.streams[0].restream[2].ca_file: is only for rtmps:// destinations; remove it or use rtmps"
                                + " (line 9, column 20)",
                        "ingest.streams[0].restream[3].ca_file: '/no/such/relay-ca.pem' cannot be read; give the path of"
                                + " a PEM file of the CAs to trust (line 11, column 20)")),
                Arguments.of("webhooks out of range", """
                        webhooks:
                          on_publish:
                            url: ftp://auth.example.org
                            timeout: 30s
                          events:
                            url: https://hooks.example.org/glasscast
                            secret: ""
                            retries: 11
                        """, List.of(
                        "webhooks.on_publish.url: 'ftp://auth.example.org' is not an http:// or https:// URL;"
                                + " e.g. https://auth.example.org/publish (line 3, column 10)",
                        "webhooks.on_publish.timeout: 30s is out of range; use 100ms to 10s, e.g. 2s"
                                + " (SRT callers give up after 3s) (line 4, column 14)",
                        "webhooks.events.secret: is empty; write a secret, or null to send no signature (line 7, column 13)",
                        "webhooks.events.retries: 11 is out of range; use 0 to 10, e.g. 3 (line 8, column 14)")),
                Arguments.of("wrong type", """
                        server:
                          http_port: eighty
                        """, List.of("server.http_port: 'eighty' is not a whole number (line 2, column 14)")),
                Arguments.of("a list where a section belongs", """
                        server:
                          - 8080
                        """, List.of("server: a list is not a section of keys; expected keys such as bind, http_port,"
                        + " public_url, admin_token (line 2, column 3)")),
                Arguments.of("zero and negative bitrates", """
                        ladder:
                          - name: 480p
                            height: 480
                            video_bitrate: 0
                            maxrate: -1
                        """, List.of(
                        "ladder[0].video_bitrate: 0 must be positive; write e.g. 2500k (line 4, column 20)",
                        "ladder[0].maxrate: -1 is negative; write a bitrate such as 3000k, or 0 for the video_bitrate"
                                + " (line 5, column 14)")),
                Arguments.of("unreadable bitrate", """
                        audio:
                          bitrate: 128 kbps
                        """, List.of("audio.bitrate: '128 kbps' is not a bitrate; write e.g. 2500k, 2.5M or 2500000"
                        + " (line 2, column 12)")),
                Arguments.of("duplicate rung names, reserved name", """
                        ladder:
                          - {name: low, height: 360, video_bitrate: 800k}
                          - {name: low, height: 240, video_bitrate: 400k}
                          - {name: audio, codec: copy}
                        """, List.of(
                        "ladder[1].name: 'low' is already the name of ladder[0]; rung names must be unique (line 3, column 12)",
                        "ladder[2].name: 'audio' is the name of the shared audio rendition; pick another name (line 4, column 12)")),
                Arguments.of("missing required rung key", """
                        ladder:
                          - height: 360
                            video_bitrate: 800k
                        """, List.of("ladder[0].name: is missing; every item here needs it (line 2, column 5)")),
                Arguments.of("bad duration", """
                        packaging:
                          segment_duration: 2 seconds
                        """, List.of("packaging.segment_duration: '2 seconds' is not a duration; write e.g. 500ms, 2s, 1.5s,"
                        + " 10m or 2h (line 2, column 21)")),
                Arguments.of("duration without unit", """
                        ingest:
                          srt:
                            latency: 120
                        """, List.of("ingest.srt.latency: 120 is not a duration; write it with a unit, e.g. 500ms, 2s, 10m"
                        + " or 2h (line 3, column 14)")),
                Arguments.of("port out of range", """
                        ingest:
                          rtmp:
                            port: 70000
                        """, List.of("ingest.rtmp.port: 70000 is not a port; use 1 to 65535 (or 0 to pick a free one)"
                        + " (line 3, column 11)")),
                Arguments.of("TLS on without a certificate", """
                        server:
                          tls:
                            enabled: true
                            private_key: /nonexistent/key.pem
                        """, List.of(
                        "server.tls.certificate: is not set; give the path of a PEM certificate chain or set"
                                + " server.tls.enabled: false (embedded defaults, line 12, column 18)",
                        "server.tls.private_key: '/nonexistent/key.pem' cannot be read; give the path of a PEM (PKCS#8)"
                                + " private key (line 4, column 18)")),
                Arguments.of("bad stream name", """
                        ingest:
                          streams:
                            - name: main
                            - name: my/stream
                        """, List.of("ingest.streams[1].name: 'my/stream' is not a valid name; use 1 to 64 letters, digits,"
                        + " '_' or '-' (line 4, column 13)")),
                Arguments.of("duplicate stream names and keys", """
                        ingest:
                          streams:
                            - name: main
                              key: same-secret
                            - name: main
                              key: same-secret
                        """, List.of(
                        "ingest.streams[1].name: 'main' is already the name of ingest.streams[0]; stream names must be"
                                + " unique (line 5, column 13)",
                        "ingest.streams[1].key: is the same as the key of ingest.streams[0]; each stream needs its own key"
                                + " (or null to have one generated) (line 6, column 12)")),
                Arguments.of("SRT passphrase too short", """
                        ingest:
                          srt:
                            passphrase: secret
                        """, List.of("ingest.srt.passphrase: is 6 characters long; SRT needs 10 to 79 (or null for no"
                        + " encryption) (line 3, column 17)")),
                Arguments.of("part not smaller than segment", """
                        packaging:
                          segment_duration: 2s
                          part_duration: 2s
                        """, List.of("packaging.part_duration: 2s is not smaller than packaging.segment_duration (2s); use"
                        + " a fraction of it, e.g. 500ms (line 3, column 18)")),
                Arguments.of("negative recordings limit", """
                        packaging:
                          recordings_max_bytes: -1
                        """, List.of("packaging.recordings_max_bytes: -1 is negative; write a number of bytes, e.g."
                        + " 20000000000 (20 GB), or 0 for no limit (line 2, column 25)")),
                Arguments.of("recordings limit with a unit", """
                        packaging:
                          recordings_max_bytes: 20GB
                        """, List.of("packaging.recordings_max_bytes: '20GB' is not a whole number (line 2, column 25)")),
                Arguments.of("invalid codec, preset, profile, level", """
                        ladder:
                          - name: hd
                            height: 720
                            video_bitrate: 3M
                            preset: quick
                            profile: high10
                            level: 7
                          - name: x
                            codec: vp9
                        audio:
                          codec: opus
                        """, List.of(
                        "ladder[0].preset: 'quick' is not an x264 preset; use one of ultrafast, superfast, veryfast,"
                                + " faster, fast, medium, slow, slower, veryslow, placebo (line 5, column 13)",
                        "ladder[0].profile: 'high10' is not an H.264 profile; use one of baseline, main, high"
                                + " (line 6, column 14)",
                        "ladder[0].level: '7' is not an H.264 level; use one of 1, 1.0, 1b, 1.1, 1.2, 1.3, 2, 2.0, 2.1,"
                                + " 2.2, 3, 3.0, 3.1, 3.2, 4, 4.0, 4.1, 4.2, 5, 5.0, 5.1, 5.2, 6, 6.0, 6.1, 6.2, or null"
                                + " to let x264 choose (line 7, column 12)",
                        "ladder[1].codec: 'vp9' is not a rung codec; use h264 or copy (or ladder: auto) (line 9, column 12)",
                        "audio.codec: 'opus' is not an audio codec; use aac or copy (line 11, column 10)")),
                Arguments.of("slate colour and timeout", """
                        slate:
                          color: blue
                          timeout: 0s
                        """, List.of(
                        "slate.color: 'blue' is not a colour; write #RRGGBB, e.g. \"#1a1a2e\" (line 2, column 10)",
                        "slate.timeout: 0s is out of range; use 1s to 24h, e.g. 60s (line 3, column 12)")),
                Arguments.of("B-frames out of range or without a profile for them", """
                        ladder:
                          - {name: a, height: 360, video_bitrate: 800k, bframes: 17}
                          - {name: b, height: 240, video_bitrate: 400k, bframes: 2, profile: baseline}
                        """, List.of(
                        "ladder[0].bframes: 17 is out of range; use 0 to 16 (0: lowest latency) (line 2, column 58)",
                        "ladder[1].bframes: 2 B-frames need profile main or high; baseline has none (line 3, column 58)")),
                Arguments.of("test source stream unknown", """
                        test_source:
                          stream: studio
                        """, List.of("test_source.stream: 'studio' is not among ingest.streams (main); name one of them or"
                        + " set test_source.enabled: false (line 2, column 11)")),
                Arguments.of("playback mode, secret and link lifetime", """
                        server:
                          playback_secret: too-short
                          playback_link_lifetime: 30s
                          request_read_timeout: 0s
                        ingest:
                          streams:
                            - name: main
                              playback: off
                            - name: other
                              playback: private
                        """, List.of(
                        "server.request_read_timeout: 0s is out of range; use 1s to 10m, e.g. 20s (line 4, column 25)",
                        "server.playback_secret: must be 32 to 256 printable characters without spaces, or null to"
                                + " generate one (line 2, column 20)",
                        "server.playback_link_lifetime: 30s is out of range; use 1m to 8784h, e.g. 12h (line 3, column 27)",
                        "ingest.streams[0].playback: 'false' is not a playback mode; use public (anyone with the URL) or"
                                + " signed (only holders of a signed link) (line 8, column 17)",
                        "ingest.streams[1].playback: 'private' is not a playback mode; use public (anyone with the URL)"
                                + " or signed (only holders of a signed link) (line 10, column 17)")),
                Arguments.of("key written twice", """
                        server:
                          http_port: 8081
                          http_port: 8082
                        """, List.of("server.http_port: written twice in the same section; keep one (line 3, column 3)")),
                Arguments.of("webrtc out of range", """
                        webrtc:
                          enabled: true
                          udp_port: 9000
                          public_address: udp://203.0.113.7
                          max_sessions: 0
                        """, List.of(
                        "webrtc.udp_port: 9000 is also ingest.srt.port; give WebRTC its own UDP port, e.g. 8189 (line 3, column 13)",
                        "webrtc.public_address: 'udp://203.0.113.7' is not a host name or IP address; write e.g."
                                + " live.example.org or 203.0.113.7 (no scheme, no port), or null to derive it (line 4, column 19)",
                        "webrtc.max_sessions: 0 is out of range; use 1 to 10000, e.g. 100 (line 5, column 17)")),
                Arguments.of("a rung named like the WHEP path", """
                        ladder:
                          - name: whep
                            codec: copy
                        """, List.of("ladder[0].name: 'whep' is the path of WebRTC playback (/live/<stream>/whep); pick"
                        + " another name (line 2, column 11)")),
                Arguments.of("webrtc port and bind", """
                        webrtc:
                          bind: ""
                          udp_port: 70000
                        """, List.of(
                        "webrtc.bind: is empty; use an address such as 0.0.0.0 (every interface) or 127.0.0.1 (line 2, column 9)",
                        "webrtc.udp_port: 70000 is not a port; use 1 to 65535 (or 0 to pick a free one) (line 3, column 13)")),
                Arguments.of("not YAML", """
                        server:
                          bind: [0.0.0.0
                        """, List.of("not valid YAML: while parsing a flow sequence; expected ',' or ']', but got <stream end> (line 2, column 17)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigs")
    void reportsEachProblemWithItsLocation(String what, String yaml, List<String> expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.loadText(yaml, Map.of()));
        assertEquals(expected, e.problems().stream().map(ConfigProblem::oneLine).toList());
        assertEquals(String.join("\n", expected), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void environmentProblemsNameTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.loadText(null, Map.of("GLASSCAST_SERVER__HTTP_PORT", "abc")));
        assertEquals("server.http_port: 'abc' is not a whole number (environment variable GLASSCAST_SERVER__HTTP_PORT)",
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> loader.loadText(null, Map.of("GLASSCAST_SERVR__HTTP_PORT", "8081")));
        assertEquals("servr: unknown key; did you mean 'server'? Allowed here: data_dir, server, ingest, ladder,"
                + " packaging, cache, test_source, audio, slate, webhooks, webrtc (environment variable GLASSCAST_SERVR__HTTP_PORT)", e.getMessage());
    }
}
