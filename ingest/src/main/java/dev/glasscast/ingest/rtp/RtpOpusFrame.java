package dev.glasscast.ingest.rtp;

/**
 * One Opus packet taken from RTP by {@link RtpOpusDepacketizer}.
 *
 * @param timestamp       unwrapped 48 kHz RTP timestamp
 * @param durationSamples duration at 48 kHz from the TOC byte
 * @param lostBefore      packets missing from the sequence just before this one, for concealment
 * @param data            the Opus packet; never modified
 */
public record RtpOpusFrame(long timestamp, int durationSamples, int lostBefore, byte[] data) {
}
