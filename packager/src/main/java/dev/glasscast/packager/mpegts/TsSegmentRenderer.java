package dev.glasscast.packager.mpegts;

import dev.glasscast.packager.fmp4.Fmp4FragmentReader;
import dev.glasscast.packager.fmp4.Fmp4FragmentReader.TimedSample;
import dev.glasscast.packager.window.MediaSegment;
import dev.glasscast.packager.window.RenditionSnapshot;
import dev.glasscast.packager.window.SegmentPart;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders TS segment N of a video rendition: video segment N's samples muxed with the audio
 * rendition's frames whose decode time falls in the same interval (renditions share the source's
 * timeline), read back from the store's CMAF fragments. A pure function of snapshots.
 */
public final class TsSegmentRenderer {

    private TsSegmentRenderer() {
    }

    /**
     * True once {@code audio} holds every frame up to the end of {@code video}'s interval (or
     * never will: no audio, audio ended, or its timeline broke after that segment's), so the TS
     * segment is final and may be listed. Once true for a segment it stays true: a listed
     * segment is never taken back (a playlist's media sequence would go backwards).
     */
    public static boolean complete(MediaSegment video, RenditionSnapshot audio) {
        if (audio == null || audio.ended()) {
            return true;
        }
        long audioEnd = -1;
        long discontinuity = -1;
        if (!audio.segments().isEmpty()) {
            MediaSegment last = audio.segments().getLast();
            audioEnd = last.startTime() + last.duration();
            discontinuity = last.discontinuitySequence();
        }
        if (discontinuity >= video.discontinuitySequence() && audio.openDiscontinuous()) {
            // The audio of the segment's timeline is over (a reconnect, or the slate stepping
            // in or aside): what follows belongs to the next timeline, and a new publication
            // of the audio may not have cut anything yet. The previous publication's audio had
            // ended, so this segment was listed then; it must stay listed.
            return true;
        }
        if (!audio.openParts().isEmpty()) {
            SegmentPart last = audio.openParts().getLast();
            audioEnd = Math.max(audioEnd, last.startTime() + last.duration());
        }
        if (discontinuity > video.discontinuitySequence()) {
            return true;
        }
        long videoEnd = video.startTime() + video.duration();
        return audioEnd >= 0 && audioEnd * video.timescale() >= videoEnd * audio.timescale();
    }

    /** The TS bytes of segment {@code sequence}, or empty if the video rendition no longer holds it. */
    public static Optional<byte[]> render(RenditionSnapshot video, long sequence, RenditionSnapshot audio) {
        MediaSegment segment = video.segment(sequence);
        if (segment == null) {
            return Optional.empty();
        }
        List<TimedSample> videoSamples = new ArrayList<>();
        for (SegmentPart part : segment.parts()) {
            if (!read(part, videoSamples)) {
                return Optional.empty();
            }
        }
        List<TimedSample> audioSamples = new ArrayList<>();
        byte[] asc = null;
        if (audio != null) {
            // The audio of the video segment's period: earlier periods may have another format.
            asc = audio.initFor(audio.nextSequence()).track().codecConfig();
            int vts = video.timescale();
            int ats = audio.timescale();
            long start = segment.startTime();
            long end = segment.startTime() + segment.duration();
            List<SegmentPart> candidates = new ArrayList<>();
            for (MediaSegment audioSegment : audio.segments()) {
                boolean overlaps = audioSegment.startTime() * vts < end * ats
                        && (audioSegment.startTime() + audioSegment.duration()) * vts > start * ats;
                if (overlaps && audioSegment.discontinuitySequence() == segment.discontinuitySequence()) {
                    if (candidates.isEmpty()) {
                        asc = audio.initFor(audioSegment.sequence()).track().codecConfig();
                    }
                    candidates.addAll(audioSegment.parts());
                }
            }
            // The audio's open parts are of the segment's timeline only if no break came after it.
            boolean sameTimeline = !audio.openDiscontinuous() && (audio.segments().isEmpty()
                    || audio.segments().getLast().discontinuitySequence() == segment.discontinuitySequence());
            if (sameTimeline) {
                candidates.addAll(audio.openParts());
            }
            List<TimedSample> all = new ArrayList<>();
            for (SegmentPart part : candidates) {
                read(part, all);
            }
            for (TimedSample sample : all) {
                long t = sample.decodeTime() * vts;
                if (t >= start * ats && t < end * ats) {
                    audioSamples.add(sample);
                }
            }
        }
        return Optional.of(TsSegmentWriter.write(video.initFor(sequence).track().codecConfig(), videoSamples, video.timescale(), asc,
                audioSamples, audio == null ? 1 : audio.timescale()));
    }

    private static boolean read(SegmentPart part, List<TimedSample> into) {
        ByteBuf bytes = part.bytes().retainedSlice();
        if (bytes == null) {
            return false;
        }
        try {
            into.addAll(Fmp4FragmentReader.read(bytes));
            return true;
        } finally {
            bytes.release();
        }
    }
}
