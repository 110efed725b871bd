/**
 * SRTP and SRTCP for WebRTC playback (WHEP) and ingest (WHIP): per-direction contexts keyed by
 * DTLS-SRTP ({@code dev.glasscast.ingest.dtls}), for the two profiles every browser and OBS
 * offers.
 *
 * <ul>
 *   <li>RFC 3711: AES_CM_128_HMAC_SHA1_80 (sections 4.1.1 and 4.2), the key derivation of
 *       section 4.3 ({@link dev.glasscast.ingest.srtp.SrtpKeyDerivation}, checked against Appendix
 *       B.3), SRTCP (section 3.4), rollover counter estimation (Appendix A) and the replay list
 *       of section 3.3.2 ({@link dev.glasscast.ingest.srtp.SrtpReplayWindow}).</li>
 *   <li>RFC 7714: AEAD_AES_128_GCM for SRTP and SRTCP (sections 8, 9 and 11), checked against
 *       the vectors of sections 16.1.1 and 17.1.</li>
 *   <li>RFC 5764 section 4.1.2 and RFC 7714 section 14.2: the profile identifiers
 *       ({@link dev.glasscast.ingest.srtp.SrtpProfile}).</li>
 * </ul>
 *
 * <p>Why not a library: {@code org.jitsi:jitsi-srtp} (1.1-23-gaf3cd06, 117 KB) is on Maven
 * Central, but it brings jitsi-utils (153 KB) and with it the Kotlin standard library and
 * kotlin-reflect (about 4.5 MB), JNA (1.7 MB) and json-simple (which drags JUnit 4 into compile
 * scope), a second logging abstraction, and its API works on jitsi's own packet buffers. The two
 * transforms are short on top of the JDK: AES/CTR and HmacSHA1 for AES-CM, AES/GCM for GCM, all
 * from {@code javax.crypto}; no cipher is written here, only the packet layout around them.
 *
 * <p>Buffer ownership: the contexts read byte arrays (offset and length given) and return new
 * arrays, like the RTP codec's decoded packets, so no pooled buffer crosses into this package.
 * A packet that fails authentication, is replayed, is malformed or would exceed the SSRC limit
 * comes back as {@link dev.glasscast.ingest.srtp.SrtpResult.Refused}; nothing throws on peer
 * input. Not in scope: MKI, key derivation rates other than 0, the 32-bit tag and AES-256
 * profiles, header extension encryption (RFC 6904, cryptex), and SRTCP without encryption.
 */
package dev.glasscast.ingest.srtp;
