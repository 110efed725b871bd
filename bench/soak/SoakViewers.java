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
    /** Times a viewer saw no new segment for longer than {@link #STALL_MS}: what a player would show as a stall. */
    static final AtomicLong stalls = new AtomicLong();
    static final AtomicLong longestGapMs = new AtomicLong();
    /** Segments are 2 s and viewers poll every second, so a healthy gap is at most about 3 s. */
    static final long STALL_MS = 6000;

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
            int viewer = i;
            threads.add(Thread.ofVirtual().start(() -> watch(http, base, end, viewer)));
        }
        long started = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(5000);
            Files.writeString(stats, String.format("elapsed_s=%d %s%n",
                    (System.nanoTime() - started) / 1_000_000_000L, totals()));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.printf("viewers=%d %s%n", viewers, totals());
    }

    static String totals() {
        return String.format("playlists=%d segments=%d megabytes=%d errors=%d stalls=%d longest_gap_ms=%d",
                playlists.get(), segments.get(), bytes.get() >> 20, errors.get(), stalls.get(), longestGapMs.get());
    }

    /** One viewer; viewers are spread over the renditions in the multivariant playlist by number. */
    static void watch(HttpClient http, String base, long end, int viewer) {
        Set<String> fetched = new HashSet<>();
        long lastNewSegment = 0;
        try {
            // Viewers arrive over the first 10 s, not all in the same millisecond.
            Thread.sleep(ThreadLocalRandom.current().nextLong(10_000));
            String rendition = null;
            while (System.nanoTime() < end) {
                if (rendition == null) {
                    String master = get(http, base + "/index.m3u8");
                    if (master != null) {
                        List<String> renditions = master.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                                .map(l -> l.substring(0, l.lastIndexOf('/') + 1)).toList();
                        rendition = renditions.isEmpty() ? null : renditions.get(viewer % renditions.size());
                    }
                }
                if (rendition != null) {
                    String media = get(http, base + "/" + rendition + "index.m3u8");
                    if (media != null) {
                        for (String line : media.lines().toList()) {
                            if (!line.startsWith("#") && !line.isBlank() && fetched.add(line)) {
                                long now = System.nanoTime();
                                if (lastNewSegment != 0) {
                                    long gapMs = (now - lastNewSegment) / 1_000_000;
                                    longestGapMs.accumulateAndGet(gapMs, Math::max);
                                    if (gapMs > STALL_MS) {
                                        stalls.incrementAndGet();
                                    }
                                }
                                lastNewSegment = now;
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
