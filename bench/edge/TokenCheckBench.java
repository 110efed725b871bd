import dev.glasscast.server.http.PlaybackTokens;
import dev.glasscast.server.http.RequestTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * What a signed playback link adds to one request, in nanoseconds on one thread: parsing the
 * longer target and judging its token, against the same request on a public stream. Best of
 * five 1 s rounds after a 3 s warm-up, so a busy machine inflates the figures less.
 *   java -cp server/target/glasscast.jar bench/edge/TokenCheckBench.java
 */
public class TokenCheckBench {

    public static void main(String[] args) {
        PlaybackTokens tokens = new PlaybackTokens("bench-secret-0123456789abcdef0123456789", Set.of("signed"),
                Clock.systemUTC());
        String token = tokens.mint("signed", Duration.ofHours(1)).value();
        String publicTarget = "/live/open/source/index.m3u8?_HLS_msn=1795619234&_HLS_part=2";
        String signedTarget = "/live/signed/t/" + token + "/source/index.m3u8?_HLS_msn=1795619234&_HLS_part=2";
        report("parse + check, public stream", () -> tokens.check(RequestTarget.parse(publicTarget)).ordinal());
        report("parse + check, signed stream through a token", () -> tokens.check(RequestTarget.parse(signedTarget)).ordinal());
        report("check only, signed stream (HMAC-SHA256)", () -> tokens.check("signed", token).ordinal());
    }

    private static void report(String what, IntSupplier work) {
        long sink = 0;
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            sink += work.getAsInt();
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            long n = 0;
            while (System.nanoTime() - start < 1_000_000_000L) {
                for (int i = 0; i < 1000; i++) {
                    sink += work.getAsInt();
                }
                n += 1000;
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) n);
        }
        System.out.printf("%-48s %8.0f ns/request   (%d)%n", what, best, sink & 1);
    }
}
