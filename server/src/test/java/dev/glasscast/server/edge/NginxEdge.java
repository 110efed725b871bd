package dev.glasscast.server.edge;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Debian's nginx on loopback with the shipped edge config ({@code docker/nginx/}) in front of a
 * daemon, logging for every request whether it went to the origin. Stops with {@link #close()}.
 */
public final class NginxEdge implements AutoCloseable {

    private static final Path EDGE_TEMPLATE = Path.of("..", "docker", "nginx", "glasscast-edge.conf.template");

    private final Path dir;
    private final Process process;
    private final int port;

    private NginxEdge(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts nginx in {@code dir} in front of {@code 127.0.0.1:upstreamPort}. nginx cannot listen
     * on port 0 and say which port it got, so a port the kernel just handed out is used, and a
     * start that lost the race for it is retried on another.
     */
    public static NginxEdge start(Path dir, int upstreamPort) throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path temp = Files.createDirectories(dir.resolve("temp"));
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 2048; }
                http {
                    log_format edge '$request_uri $upstream_addr $upstream_cache_status $status $upstream_http_transfer_encoding $msec $request_time $upstream_response_time';
                    access_log %1$s/access.log edge;
                    client_body_temp_path %2$s/body;
                    proxy_temp_path %2$s/proxy;
                    fastcgi_temp_path %2$s/fastcgi;
                    uwsgi_temp_path %2$s/uwsgi;
                    scgi_temp_path %2$s/scgi;
                    include %1$s/glasscast-edge.conf;
                }
                """.formatted(dir, temp));
        String binary = Files.exists(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int attempt = 0; ; attempt++) {
            int port = portJustFree();
            Files.writeString(dir.resolve("glasscast-edge.conf"), Files.readString(EDGE_TEMPLATE)
                    .replace("${GLASSCAST_UPSTREAM}", "127.0.0.1:" + upstreamPort)
                    .replace("${NGINX_LISTEN}", "127.0.0.1:" + port)
                    .replace("${NGINX_CACHE_DIR}", cache.toString()));
            Process process = new ProcessBuilder(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (process.isAlive() && System.nanoTime() < deadline) {
                try {
                    HttpResponse<Void> health = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/healthz")).build(), HttpResponse.BodyHandlers.discarding());
                    if (health.statusCode() == 200) {
                        return new NginxEdge(dir, process, port);
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                Thread.sleep(50);
            }
            process.destroyForcibly().waitFor();
            if (attempt == 2) {
                throw new AssertionError("nginx did not start:\n" + Files.readString(dir.resolve("nginx.out"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
        }
    }

    private static int portJustFree() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** {@code http://127.0.0.1:port} */
    public String origin() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Per request target (path and query) in nginx's access log so far: how many requests nginx
     * passed to the daemon. A target nginx answered every time from its cache maps to 0.
     */
    public Map<String, Integer> originRequests() throws IOException {
        Map<String, Integer> upstream = new TreeMap<>();
        Path log = dir.resolve("access.log");
        if (!Files.exists(log)) {
            return upstream;
        }
        for (String line : Files.readAllLines(log)) {
            String[] fields = line.split(" ");
            upstream.merge(fields[0], fields[1].equals("-") ? 0 : 1, Integer::sum);
        }
        return upstream;
    }

    /** The request targets whose response nginx received from the daemon with chunked transfer (in progress). */
    public java.util.Set<String> chunkedFromOrigin() throws IOException {
        java.util.Set<String> chunked = new java.util.TreeSet<>();
        Path log = dir.resolve("access.log");
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                String[] fields = line.split(" ");
                if (fields.length > 4 && fields[4].equals("chunked")) {
                    chunked.add(fields[0]);
                }
            }
        }
        return chunked;
    }

    /** Per request target, how many requests nginx answered (from the cache or not). */
    public Map<String, Integer> edgeRequests() throws IOException {
        Map<String, Integer> seen = new TreeMap<>();
        Path log = dir.resolve("access.log");
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                seen.merge(line.split(" ")[0], 1, Integer::sum);
            }
        }
        return seen;
    }

    /**
     * The requests nginx took {@code atLeast} or longer to answer, oldest first, as lines of
     * "end time (epoch s), seconds taken, seconds at the origin, cache status, status, target":
     * what a player waiting on the edge waited for.
     */
    public List<String> slowRequests(Duration atLeast) throws IOException {
        List<String> slow = new ArrayList<>();
        Path log = dir.resolve("access.log");
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                String[] fields = line.split(" ");
                if (fields.length > 7 && Double.parseDouble(fields[6]) * 1000 >= atLeast.toMillis()) {
                    slow.add(fields[5] + " took " + fields[6] + " s (origin " + fields[7] + " s) " + fields[2] + " "
                            + fields[3] + " " + fields[0]);
                }
            }
        }
        return slow;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
