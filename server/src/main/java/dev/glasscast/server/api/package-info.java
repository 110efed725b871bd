/**
 * The operator's side of the daemon over HTTP: the admin token (generated into the data
 * directory when the config has none, compared in constant time), the JSON API under
 * {@code /api/v1/} ({@link dev.glasscast.server.api.AdminRoutes}), and the stream reports the
 * dashboard and scripts read ({@link dev.glasscast.server.api.StreamMonitor}). Reports carry the
 * stream key on purpose (the dashboard's copyable OBS settings); {@code GET /api/v1/config}
 * redacts every secret.
 */
package dev.glasscast.server.api;
