package dev.glasscast.packager;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A response whose lifetime is its body's: retaining or releasing the response retains or
 * releases the body, so whoever holds the response releases it exactly once, and the body's
 * bytes (usually a slice of stored media) are never copied to hand it on.
 */
public interface CountedByBody extends ReferenceCounted {

    ByteBuf body();

    @Override
    default int refCnt() {
        return body().refCnt();
    }

    @Override
    default CountedByBody retain() {
        body().retain();
        return this;
    }

    @Override
    default CountedByBody retain(int increment) {
        body().retain(increment);
        return this;
    }

    @Override
    default CountedByBody touch() {
        body().touch();
        return this;
    }

    @Override
    default CountedByBody touch(Object hint) {
        body().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return body().release();
    }

    @Override
    default boolean release(int decrement) {
        return body().release(decrement);
    }
}
