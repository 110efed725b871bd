package dev.glasscast.transcode;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** A libav* call failed; the message names the call and FFmpeg's reason. */
public final class TranscodeException extends RuntimeException {

    TranscodeException(String message) {
        super(message);
    }

    /** @return {@code result} if it is not negative */
    static int check(int result, String call) {
        if (result < 0) {
            throw new TranscodeException(call + " failed: " + describe(result));
        }
        return result;
    }

    static String describe(int error) {
        byte[] text = new byte[256];
        av_strerror(error, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8) + " (" + error + ")";
    }
}
