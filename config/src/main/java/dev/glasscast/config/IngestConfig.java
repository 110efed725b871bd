package dev.glasscast.config;

import java.util.List;
import java.util.Optional;

/**
 * @param rtmp    the RTMP listener
 * @param srt     the SRT listener
 * @param streams the streams that may be published, each with its key
 */
public record IngestConfig(RtmpConfig rtmp, SrtConfig srt, List<StreamConfig> streams) {

    public IngestConfig {
        streams = List.copyOf(streams);
    }

    public IngestConfig withStreams(List<StreamConfig> newStreams) {
        return new IngestConfig(rtmp, srt, newStreams);
    }

    public IngestConfig withRtmp(RtmpConfig newRtmp) {
        return new IngestConfig(newRtmp, srt, streams);
    }

    public IngestConfig withSrt(SrtConfig newSrt) {
        return new IngestConfig(rtmp, newSrt, streams);
    }

    public Optional<StreamConfig> stream(String name) {
        return streams.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
