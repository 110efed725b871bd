package dev.glasscast.server.restream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and 127.0.0.1, made by the openssl CLI, for a
 * TLS peer in a test; a client trusts it by taking {@link #certificate()} as its CA file.
 */
record TestCertificate(Path certificate, Path privateKey) {

    static TestCertificate create(Path dir) throws Exception {
        Path certificate = dir.resolve("localhost.crt");
        Path privateKey = dir.resolve("localhost.key");
        Path log = dir.resolve("openssl.log");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", privateKey.toString(), "-out", certificate.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            openssl.destroyForcibly();
            throw new AssertionError("openssl could not make a test certificate: " + Files.readString(log));
        }
        return new TestCertificate(certificate, privateKey);
    }
}
