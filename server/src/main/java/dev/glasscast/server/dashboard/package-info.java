/**
 * The dashboard's server-side parts. The page itself is static HTML and script
 * ({@code web/dashboard.html}) built only on the JSON API; what needs the server is the
 * thumbnail: the latest key frame of a stream's smallest rendition, kept here and made into a
 * JPEG, off the event loop, by the transcoder's {@code KeyFrameThumbnailer} (the one place that
 * picks decoders).
 */
package dev.glasscast.server.dashboard;
