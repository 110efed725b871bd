package dev.glasscast.ingest;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The real peers the tests run (Debian's {@code ffmpeg}, {@code ffprobe}, {@code srt-live-transmit}),
 * found on the PATH. A tool that is missing skips the test on a developer's machine, naming the
 * tool; under {@code CI=true} it fails the test instead, because a CI run that silently skipped
 * the only test of something has tested nothing ({@code .ci/run} installs every tool).
 */
public final class RequiredTool {

    private RequiredTool() {
    }

    /** The absolute path of {@code name}, or the test is skipped (failed under {@code CI=true}). */
    public static String path(String name) {
        List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        directories.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String missing = name + " is not installed (on Debian: apt-get install " + debianPackage(name) + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(missing + "; CI=true, so the test fails instead of skipping");
        }
        Assumptions.abort(missing + "; skipped (under CI=true this fails)");
        throw new AssertionError("unreachable");
    }

    private static String debianPackage(String tool) {
        return switch (tool) {
            case "ffprobe" -> "ffmpeg";
            case "srt-live-transmit" -> "srt-tools";
            default -> tool;
        };
    }
}
