package dev.glasscast.config;

import java.time.Duration;

/**
 * @param enabled    whether the SRT listener runs
 * @param bind       listen address
 * @param port       UDP port, 9000 by default; 0 picks a free one (tests)
 * @param latency    our receiver latency; the larger of the caller's and ours is used
 * @param passphrase if set (10 to 79 characters), callers must encrypt with it
 */
public record SrtConfig(boolean enabled, String bind, int port, Duration latency, String passphrase) {

    public SrtConfig withPort(int newPort) {
        return new SrtConfig(enabled, bind, newPort, latency, passphrase);
    }
}
