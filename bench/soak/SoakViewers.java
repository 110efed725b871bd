import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated HLS viewers for the soak: each one (a virtual thread) polls the multivariant and
 * its media playlists like hls.js does (about every half target duration) and downloads every
 * segment it has not fetched yet. Writes running totals to a stats file every few seconds.
 *
 *   java SoakViewers.java BASE_URL VIEWERS SECONDS STATS_FILE
 *   e.g. java SoakViewers.java http://127.0.0.1:18080/live/main 500 3600 stats.txt
 */
public class SoakViewers {

    static final AtomicLong playlists = new AtomicLong();
    static final AtomicLong segments = new AtomicLong();
    static final AtomicLong bytes = new AtomicLong();
    static final AtomicLong errors = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int viewers = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        Path stats = Path.of(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
            threads.add(Thread.ofVirtual().start(() -> watch(http, base, end)));
        }
        long started = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(5000);
            Files.writeString(stats, String.format("elapsed_s=%d playlists=%d segments=%d megabytes=%d errors=%d%n",
                    (System.nanoTime() - started) / 1_000_000_000L, playlists.get(), segments.get(),
                    bytes.get() >> 20, errors.get()));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.printf("viewers=%d playlists=%d segments=%d megabytes=%d errors=%d%n", viewers, playlists.get(),
                segments.get(), bytes.get() >> 20, errors.get());
    }

    static void watch(HttpClient http, String base, long end) {
        Set<String> fetched = new HashSet<>();
        try {
            // Viewers arrive over the first 10 s, not all in the same millisecond.
            Thread.sleep(ThreadLocalRandom.current().nextLong(10_000));
            String rendition = null;
            while (System.nanoTime() < end) {
                if (rendition == null) {
                    String master = get(http, base + "/index.m3u8");
                    if (master != null) {
                        rendition = master.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst()
                                .map(l -> l.substring(0, l.lastIndexOf('/') + 1)).orElse(null);
                    }
                }
                if (rendition != null) {
                    String media = get(http, base + "/" + rendition + "index.m3u8");
                    if (media != null) {
                        for (String line : media.lines().toList()) {
                            if (!line.startsWith("#") && !line.isBlank() && fetched.add(line)) {
                                long size = download(http, base + "/" + rendition + line);
                                if (size >= 0) {
                                    segments.incrementAndGet();
                                    bytes.addAndGet(size);
                                }
                            }
                        }
                        if (fetched.size() > 64) {
                            fetched.clear(); // old names are out of the window by now
                            media.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(fetched::add);
                        }
                    }
                }
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String get(HttpClient http, String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            playlists.incrementAndGet();
            if (response.statusCode() != 200) {
                errors.incrementAndGet();
                return null;
            }
            return response.body();
        } catch (Exception e) {
            errors.incrementAndGet();
            return null;
        }
    }

    /** Downloads and discards a segment (500 viewers' segments in memory at once would not fit); returns its size or -1. */
    static long download(HttpClient http, String url) {
        try {
            HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream body = response.body()) {
                long size = body.transferTo(java.io.OutputStream.nullOutputStream());
                if (response.statusCode() != 200) {
                    errors.incrementAndGet();
                    return -1;
                }
                return size;
            }
        } catch (Exception e) {
            errors.incrementAndGet();
            return -1;
        }
    }
}
