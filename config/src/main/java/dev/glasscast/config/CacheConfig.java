package dev.glasscast.config;

/** @param maxBytes the edge cache's bound in bytes */
public record CacheConfig(long maxBytes) {
}
