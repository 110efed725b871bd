package dev.glasscast.server.restream;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real receivers a restream test pushes to: nginx with Debian's RTMP module recording what it
 * receives to FLV, and libsrt's {@code srt-live-transmit} as an SRT listener writing MPEG-TS.
 */
final class RestreamReceivers {

    private RestreamReceivers() {
    }

    /** A running receiver process and where it writes what it received. */
    record Receiver(Process process, int port, Path recording) implements AutoCloseable {
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

    /** nginx-rtmp on a loopback port, application {@code live}, recording stream NAME to {@code NAME.flv}. */
    static Receiver nginxRtmp(Path dir, String streamName) throws Exception {
        return nginxRtmp(dir, streamName, 0);
    }

    /** As {@link #nginxRtmp(Path, String)}, on {@code port} (0: a free one). */
    static Receiver nginxRtmp(Path dir, String streamName, int port) throws Exception {
        return nginx(dir, streamName, port, null);
    }

    /**
     * nginx-rtmp behind nginx's {@code stream} TLS proxy, as an rtmps ingest is: the returned port
     * speaks TLS with {@code certificate} and passes the RTMP inside to the RTMP module.
     */
    static Receiver nginxRtmps(Path dir, String streamName, TestCertificate certificate) throws Exception {
        return nginx(dir, streamName, 0, certificate);
    }

    private static Receiver nginx(Path dir, String streamName, int port, TestCertificate tls) throws Exception {
        Path records = Files.createDirectories(dir.resolve("records"));
        String binary = Files.exists(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        Path module = Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so");
        if (!Files.exists(module)) {
            throw new AssertionError("nginx's RTMP module is missing: install Debian's libnginx-mod-rtmp");
        }
        Path streamModule = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
        if (tls != null && !Files.exists(streamModule)) {
            throw new AssertionError("nginx's stream module is missing: install Debian's libnginx-mod-stream");
        }
        for (int attempt = 0; ; attempt++) {
            int listen = port != 0 ? port : freeTcpPort();
            int tlsListen = tls == null ? 0 : freeTcpPort();
            String tlsProxy = tls == null ? "" : """
                    stream {
                        server {
                            listen 127.0.0.1:%d ssl;
                            ssl_certificate %s;
                            ssl_certificate_key %s;
                            proxy_pass 127.0.0.1:%d;
                        }
                    }
                    """.formatted(tlsListen, tls.certificate(), tls.privateKey(), listen);
            Files.writeString(dir.resolve("nginx.conf"), (tls == null ? "" : "load_module " + streamModule + ";\n") + """
                    load_module %3$s;
                    daemon off;
                    master_process off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log info;
                    events { worker_connections 64; }
                    rtmp {
                        server {
                            listen 127.0.0.1:%2$d;
                            chunk_size 4096;
                            application live {
                                live on;
                                record all;
                                record_path %4$s;
                                record_unique off;
                            }
                        }
                    }
                    """.formatted(dir, listen, module, records) + tlsProxy);
            Process process = new ProcessBuilder(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            if (awaitListening(process, listen) && (tls == null || awaitListening(process, tlsListen))) {
                return new Receiver(process, tls == null ? listen : tlsListen, records.resolve(streamName + ".flv"));
            }
            process.destroyForcibly().waitFor();
            if (attempt == 2) {
                throw new AssertionError("nginx-rtmp did not start:\n" + Files.readString(dir.resolve("nginx.out"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
        }
    }

    /** srt-live-transmit listening on a loopback UDP port, writing what it receives to {@code received.ts}. */
    static Receiver srtListener(Path dir) throws Exception {
        Files.createDirectories(dir);
        int port;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path recording = dir.resolve("received.ts");
        Process process = new ProcessBuilder("srt-live-transmit", "-q", "srt://127.0.0.1:" + port + "?mode=listener",
                "file://con")
                .redirectOutput(recording.toFile()).redirectError(dir.resolve("srt-live-transmit.err").toFile()).start();
        Thread.sleep(300);
        if (!process.isAlive()) {
            throw new AssertionError("srt-live-transmit did not start: " + Files.readString(dir.resolve("srt-live-transmit.err")));
        }
        return new Receiver(process, port, recording);
    }

    private static boolean awaitListening(Process process, int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
