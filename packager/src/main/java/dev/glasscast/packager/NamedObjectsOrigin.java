package dev.glasscast.packager;

/**
 * An origin that serves only some names (DASH: the MPD) and says which, so that the one origin
 * delivery talks to can send each request where it belongs without knowing the formats.
 */
public interface NamedObjectsOrigin extends MediaOrigin {

    /** True for the requests this origin renders. */
    boolean serves(OriginRequest request);
}
