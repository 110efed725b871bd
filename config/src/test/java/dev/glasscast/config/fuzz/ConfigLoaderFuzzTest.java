package dev.glasscast.config.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.glasscast.config.ConfigException;
import dev.glasscast.config.ConfigLoader;
import dev.glasscast.config.GlassCastConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Loads arbitrary text as the operator's YAML file. The loader either returns a validated
 * configuration or throws a {@link ConfigException} listing the problems, each with a message;
 * any other exception (a YAML library error that escaped, a NullPointerException in binding) is a
 * finding, since the daemon would die with a stack trace instead of telling the operator what is
 * wrong with their file.
 */
class ConfigLoaderFuzzTest {

    private final ConfigLoader loader = new ConfigLoader();

    @FuzzTest(maxDuration = "5s")
    void loadsOrExplains(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        try {
            GlassCastConfig config = loader.loadText(yaml, Map.of());
            assertNotNull(config);
        } catch (ConfigException expected) {
            assertFalse(expected.getMessage() == null || expected.getMessage().isBlank(), "a refusal without a message");
        }
    }
}
