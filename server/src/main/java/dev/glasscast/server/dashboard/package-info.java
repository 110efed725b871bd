/**
 * The dashboard's server-side parts. The page itself is static HTML and script
 * ({@code web/dashboard.html}) built only on the JSON API; what needs the server is the
 * thumbnail, decoded from the latest key frame of a stream's smallest rendition off the event
 * loop.
 */
package dev.glasscast.server.dashboard;
