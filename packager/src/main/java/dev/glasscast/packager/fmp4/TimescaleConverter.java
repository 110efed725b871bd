package dev.glasscast.packager.fmp4;

/**
 * Converts absolute timestamps from one timescale to another, rounding to the nearest tick.
 *
 * <p>Callers convert absolute times and take durations as differences of converted times; so
 * rounding errors never accumulate, however many samples a stream has. The arithmetic splits
 * whole seconds from the remainder, so it does not overflow for any timestamp below
 * {@code Long.MAX_VALUE / max(from, to)} seconds.
 */
public final class TimescaleConverter {

    private final long from;
    private final long to;

    public TimescaleConverter(long from, long to) {
        if (from <= 0 || to <= 0) {
            throw new IllegalArgumentException("timescales must be positive: " + from + " -> " + to);
        }
        this.from = from;
        this.to = to;
    }

    public long convert(long ticks) {
        if (from == to) {
            return ticks;
        }
        long seconds = Math.floorDiv(ticks, from);
        long remainder = Math.floorMod(ticks, from);
        return seconds * to + Math.floorDiv(remainder * to + from / 2, from);
    }

    public long fromTimescale() {
        return from;
    }

    public long toTimescale() {
        return to;
    }
}
