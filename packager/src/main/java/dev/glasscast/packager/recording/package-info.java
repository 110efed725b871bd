/**
 * Recordings: every segment the store closes, written to disk as it closes and served again as
 * a rendition. {@link dev.glasscast.packager.recording.RecordingArchive} is what the daemon holds;
 * it wires the writer thread, the index format, retention and trimming, and the lookup.
 */
package dev.glasscast.packager.recording;
