/**
 * The packager: one {@link dev.glasscast.packager.window.SegmentStore} of CMAF parts and segments
 * per rendition, and renderers that turn it into every output on request
 * ({@link dev.glasscast.packager.PackagerOrigin} routes a request to its format: DASH, the CMAF
 * objects HLS and DASH share, or HLS).
 *
 * <h2>URL layout (under {@code /live/{stream}/})</h2>
 * <pre>
 * index.m3u8                      HLS multivariant (fMP4, LL-HLS)
 * dvr.m3u8                        HLS multivariant of the start-over playlists (whole DVR window)
 * ts.m3u8                         HLS multivariant of the MPEG-TS output (video+audio muxed per rung)
 * manifest.mpd                    DASH MPD (dynamic while live, static once over)
 * {rendition}/index.m3u8          LL-HLS media playlist (_HLS_msn, _HLS_part, _HLS_skip)
 * {rendition}/dvr.m3u8            media playlist over the whole DVR window (start-over)
 * {rendition}/ts.m3u8             TS media playlist (video renditions)
 * {rendition}/init{N}.mp4         init segment of the publication whose first segment is N
 * {rendition}/seg{N}.m4s          CMAF segment N (HLS and DASH share it)
 * {rendition}/part{N}.{I}.m4s     part I of segment N
 * {rendition}/ts{N}.ts            segment N as MPEG-TS with its audio
 * /time                           the wall clock (ISO 8601) for DASH UTCTiming (served by the server)
 * </pre>
 * N is the media sequence number: it starts at the epoch second of a rendition's first publish
 * ({@link dev.glasscast.packager.window.FirstSequenceNumber#EPOCH_SECONDS}) and continues across
 * republishes, so every media URL names the same bytes forever, across daemon restarts too.
 *
 * <h2>Life of a stream</h2>
 * Live: sliding playlists with parts. Publisher gone: for a reconnect grace the outputs stay live
 * (a reconnect continues them after EXT-X-DISCONTINUITY / in a new DASH Period). After the grace:
 * EXT-X-ENDLIST over every segment of the event and a static MPD. The recording is written to
 * {@code <data_dir>/recordings/{stream}/{rendition}/} segment by segment as they close
 * ({@link dev.glasscast.packager.recording.RecordingArchive}), so it survives a crash, and is served
 * at the same URLs once the stream has ended ({@link dev.glasscast.packager.window.ServedRenditions}),
 * also after a restart. While live, the DVR window beyond the store's memory window is read from
 * the recording files.
 */
package dev.glasscast.packager;
