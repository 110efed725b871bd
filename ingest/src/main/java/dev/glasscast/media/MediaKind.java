package dev.glasscast.media;

/** What a track carries. */
public enum MediaKind {
    VIDEO,
    AUDIO
}
