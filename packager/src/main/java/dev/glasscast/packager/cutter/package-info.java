/**
 * The fMP4 cutter: access units in, init segments, parts and segments out. It keeps nothing it
 * has cut; the window ({@code dev.glasscast.packager.window}) decides what is held and for how
 * long, and numbers what is cut.
 */
package dev.glasscast.packager.cutter;
