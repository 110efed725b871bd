/**
 * Prometheus metrics through Micrometer, served at {@code /metrics} behind the admin token
 * (Prometheus sends it as {@code authorization: {credentials: <token>}}).
 */
package dev.glasscast.server.metrics;
