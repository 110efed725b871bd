package dev.glasscast.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamHubTest {

    private static final TrackInfo VIDEO = TrackInfo.video(1, Codec.H264, 1000, 640, 360, 30, 0, new byte[] {1});
    private static final TrackInfo AUDIO = TrackInfo.audio(2, Codec.AAC, 1000, 48000, 2, 0, new byte[] {0x11, (byte) 0x90});

    /** Records every event; can be made to stall until released. */
    static final class RecordingReader implements StreamReader {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final CountDownLatch busy = new CountDownLatch(1);
        final CountDownLatch release;

        RecordingReader(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public void onTracks(List<TrackInfo> tracks) {
            events.add("tracks" + tracks.size());
        }

        @Override
        public void onAccessUnit(AccessUnit unit) {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add((unit.trackId() == 1 ? "v" : "a") + unit.dts() + (unit.keyFrame() ? "k" : ""));
        }

        @Override
        public void onDiscontinuity() {
            events.add("discontinuity");
        }

        @Override
        public void onUnpublished() {
            events.add("end");
            ended.countDown();
        }
    }

    private static AccessUnit video(long dts, boolean key) {
        return new AccessUnit(1, dts, dts, 33, key, new byte[10]);
    }

    @Test
    void everyReaderGetsEveryEventInOrder() throws Exception {
        StreamHub hub = new StreamHub();
        RecordingReader first = new RecordingReader(new CountDownLatch(0));
        RecordingReader second = new RecordingReader(new CountDownLatch(0));
        hub.addListener(stream -> first);
        hub.addListener(stream -> second);
        StreamPublisher publisher = hub.publish(StreamPath.source("main"));
        publisher.tracks(List.of(VIDEO, AUDIO));
        publisher.send(video(0, true));
        publisher.send(new AccessUnit(2, 0, 0, 21, true, new byte[4]));
        publisher.discontinuity();
        publisher.send(video(33, false));
        publisher.close();
        assertTrue(first.ended.await(5, TimeUnit.SECONDS));
        assertTrue(second.ended.await(5, TimeUnit.SECONDS));
        List<String> expected = List.of("tracks2", "v0k", "a0k", "discontinuity", "v33", "end");
        assertEquals(expected, first.events);
        assertEquals(expected, second.events);
        assertFalse(hub.isLive(StreamPath.source("main")));
    }

    @Test
    void secondPublisherOfALivePathIsRefused() throws Exception {
        StreamHub hub = new StreamHub();
        StreamPublisher first = hub.publish(StreamPath.source("main"));
        assertThrows(StreamConflictException.class, () -> hub.publish(StreamPath.source("main")));
        first.close();
        hub.publish(StreamPath.source("main")).close();
    }

    @Test
    void slowReaderDropsUpToTheNextKeyFrameWithoutStallingThePublisher() throws Exception {
        StreamHub hub = new StreamHub(4, Clock.systemUTC());
        CountDownLatch release = new CountDownLatch(1);
        RecordingReader slow = new RecordingReader(release);
        hub.addListener(stream -> slow);
        StreamPublisher publisher = hub.publish(StreamPath.source("main"));
        publisher.tracks(List.of(VIDEO));
        publisher.send(video(0, true));
        assertTrue(slow.busy.await(5, TimeUnit.SECONDS));
        for (int i = 1; i < 20; i++) {
            publisher.send(video(i * 33L, i % 10 == 0));
        }
        release.countDown();
        // Once the reader has caught up it receives again, but only from the next key frame on.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (slow.events.size() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        publisher.send(video(660, false));
        publisher.send(video(693, true));
        publisher.send(video(726, false));
        publisher.close();
        assertTrue(slow.ended.await(5, TimeUnit.SECONDS));
        List<String> units = slow.events.stream().filter(e -> e.startsWith("v")).toList();
        // The unit being handled plus a full queue got through while stalled; then nothing up to a key frame.
        assertEquals(List.of("v0k", "v33", "v66", "v99", "v132", "v693k", "v726"), units);
        assertTrue(hub.find(StreamPath.source("main")).isEmpty());
        assertTrue(publisher.stream().unitsDropped() > 0);
    }

    @Test
    void lateReaderStartsAtTheNextKeyFrame() throws Exception {
        StreamHub hub = new StreamHub();
        StreamPublisher publisher = hub.publish(StreamPath.source("main"));
        publisher.tracks(List.of(VIDEO));
        publisher.send(video(0, true));
        publisher.send(video(33, false));
        RecordingReader late = new RecordingReader(new CountDownLatch(0));
        hub.addListener(stream -> late);
        publisher.send(video(66, false));
        publisher.send(video(99, true));
        publisher.close();
        assertTrue(late.ended.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("tracks1", "v99k", "end"), late.events);
    }

    @Test
    void aReaderAttachedToOneLiveStreamStartsAtAKeyFrameAndEndsWhenDetached() throws Exception {
        StreamHub hub = new StreamHub();
        assertTrue(hub.read(StreamPath.source("main"), new RecordingReader(new CountDownLatch(0))).isEmpty(),
                "nothing to read before the stream is live");
        StreamPublisher publisher = hub.publish(StreamPath.source("main"));
        publisher.tracks(List.of(VIDEO));
        publisher.send(video(0, true));
        RecordingReader reader = new RecordingReader(new CountDownLatch(0));
        AutoCloseable attached = hub.read(StreamPath.source("main"), reader).orElseThrow();
        publisher.send(video(33, false));
        publisher.send(video(66, true));
        attached.close();
        assertTrue(reader.ended.await(5, TimeUnit.SECONDS), "detaching ends the reader");
        publisher.send(video(99, true));
        publisher.close();
        attached.close();
        assertEquals(List.of("tracks1", "v66k", "end"), reader.events, "one end, nothing after it");
    }

    @Test
    void kickEndsTheStreamAndRunsTheRegisteredDisconnect() throws Exception {
        StreamHub hub = new StreamHub();
        StreamPath withConnection = StreamPath.source("a");
        StreamPublisher connected = hub.publish(withConnection);
        List<String> reasons = new CopyOnWriteArrayList<>();
        connected.onDisconnect(reasons::add);
        assertTrue(hub.kick(withConnection));
        assertEquals(List.of("kicked by the operator"), reasons);
        assertFalse(hub.isLive(withConnection), "the path is free before the connection has closed");

        StreamPath withoutConnection = StreamPath.source("b");
        hub.publish(withoutConnection);
        assertTrue(hub.kick(withoutConnection));
        assertFalse(hub.isLive(withoutConnection));
        assertFalse(hub.kick(StreamPath.source("nobody")));
    }

    @Test
    void aPublisherTakesOverFromAStandIn() throws Exception {
        StreamHub hub = new StreamHub();
        StreamPath path = StreamPath.source("main");
        RecordingReader reader = new RecordingReader(new CountDownLatch(0));
        List<RecordingReader> readers = new CopyOnWriteArrayList<>();
        hub.addListener(stream -> {
            RecordingReader r = readers.isEmpty() ? reader : new RecordingReader(new CountDownLatch(0));
            readers.add(r);
            return r;
        });
        StreamPublisher standIn = hub.publishStandIn(path);
        List<String> reasons = new CopyOnWriteArrayList<>();
        standIn.onDisconnect(reasons::add);
        standIn.tracks(List.of(VIDEO));
        standIn.send(video(0, true));
        assertTrue(hub.find(path).orElseThrow().standIn());
        assertThrows(StreamConflictException.class, () -> hub.publishStandIn(path), "a stand-in does not displace another");

        StreamPublisher real = hub.publish(path);
        assertEquals(List.of("taken over by another publisher"), reasons);
        assertTrue(reader.ended.await(5, TimeUnit.SECONDS));
        standIn.send(video(33, false));
        assertEquals(List.of("tracks1", "v0k", "end"), reader.events, "the stand-in's stream ended; later units go nowhere");
        assertFalse(hub.find(path).orElseThrow().standIn());
        assertEquals(2, readers.size(), "listeners read the new publication");

        assertThrows(StreamConflictException.class, () -> hub.publish(path), "a real publisher is not displaced");
        assertThrows(StreamConflictException.class, () -> hub.publishStandIn(path));
        standIn.close();
        assertTrue(hub.isLive(path), "closing the displaced stand-in leaves the new publication alone");
        real.close();
        assertFalse(hub.isLive(path));
    }
}
