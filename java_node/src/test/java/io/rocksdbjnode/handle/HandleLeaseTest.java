package io.rocksdbjnode.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease contract that keeps a closed native object from ever being used: close waits for
 * leases in flight, no lease starts once closing began, and the native object is freed once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandleLeaseTest {
    private static final Ownership NOBODY = new Ownership(new OtpErlangPid("x@127.0.0.1", 1, 0, 1), null, null);
    private static final AtomicInteger REF_IDS = new AtomicInteger(1);

    @TempDir
    Path tmp;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS), "test threads did not end");
    }

    private static OtpErlangRef newRef() {
        return new OtpErlangRef("t@127.0.0.1", new int[] {REF_IDS.getAndIncrement(), 0, 0}, 1);
    }

    /** A handle whose native object is a counter. */
    private static final class CountingHandle extends Handle {
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger beforeCloses = new AtomicInteger();
        final CountDownLatch closeNativeEntered = new CountDownLatch(1);
        volatile CountDownLatch closeNativeGate;

        CountingHandle() {
            super(newRef(), Kind.DB, NOBODY, Claims.unshared(Path.of("/counting")));
        }

        @Override
        protected void beforeClose() {
            beforeCloses.incrementAndGet();
        }

        @Override
        protected void closeNative() {
            closes.incrementAndGet();
            closeNativeEntered.countDown();
            CountDownLatch gate = closeNativeGate;
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static OtpErlangObject closedHandle(OtpErlangRef ref) {
        return new OtpErlangTuple(new OtpErlangObject[] {
            new OtpErlangAtom("error"),
            new OtpErlangTuple(new OtpErlangObject[] {
                new OtpErlangAtom("badarg"),
                new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("closed_handle"), ref})})});
    }

    /** Waits until {@code t} is blocked (waiting on a monitor or in wait()), so a "not yet" assertion means something. */
    private static void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.BLOCKED
                && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                fail("thread " + t.getName() + " never blocked; state " + t.getState());
            }
            Thread.sleep(1);
        }
    }

    @Test
    void closeWithoutLeasesClosesAtOnce() {
        CountingHandle h = new CountingHandle();
        assertTrue(h.close());
        assertEquals(1, h.closes.get());
        assertEquals(1, h.beforeCloses.get());
    }

    @Test
    void closeWaitsForTheLeaseInFlight() throws Exception {
        CountingHandle h = new CountingHandle();
        CountDownLatch leased = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong releasedAt = new AtomicLong();
        AtomicInteger closesSeenByLeaseHolder = new AtomicInteger(-1);
        Future<?> holder = pool.submit(() -> {
            try (Handle.Lease l = h.lease()) {
                leased.countDown();
                release.await();
                closesSeenByLeaseHolder.set(h.closes.get());
                releasedAt.set(System.nanoTime());
            }
            return null;
        });
        assertTrue(leased.await(10, TimeUnit.SECONDS));

        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicLong closedAt = new AtomicLong();
        Thread closer = new Thread(() -> {
            h.close();
            closedAt.set(System.nanoTime());
            closeReturned.set(true);
        }, "closer");
        closer.start();
        awaitBlocked(closer);
        // close() began (it refuses new leases) but waits for the lease holder.
        assertEquals(1, h.beforeCloses.get());
        assertFalse(closeReturned.get(), "close returned while a lease was in flight");
        assertEquals(0, h.closes.get(), "native object freed under a lease");

        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        closer.join(10_000);
        assertTrue(closeReturned.get());
        assertEquals(0, closesSeenByLeaseHolder.get(), "lease holder saw a freed native object");
        assertEquals(1, h.closes.get());
        assertTrue(closedAt.get() >= releasedAt.get(), "close returned before the lease ended");
    }

    @Test
    void closeWaitsForEveryLease() throws Exception {
        CountingHandle h = new CountingHandle();
        Handle.Lease first = h.lease();
        Handle.Lease second = h.lease();
        Thread closer = new Thread(h::close, "closer");
        closer.start();
        awaitBlocked(closer);
        first.close();
        Thread.sleep(50);
        assertTrue(closer.isAlive(), "close returned with one lease still in flight");
        assertEquals(0, h.closes.get());
        second.close();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(1, h.closes.get());
    }

    @Test
    void leaseAfterCloseBeganFailsWithClosedHandle() throws Exception {
        CountingHandle h = new CountingHandle();
        Handle.Lease held = h.lease();
        Thread closer = new Thread(h::close, "closer");
        closer.start();
        awaitBlocked(closer);
        // Closing has begun (the closer waits for `held`): no new lease may start.
        RequestException e = assertThrows(RequestException.class, h::lease);
        assertEquals(closedHandle(h.ref()), e.reply());
        held.close();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        // And after the close, still refused.
        RequestException after = assertThrows(RequestException.class, h::lease);
        assertEquals(closedHandle(h.ref()), after.reply());
        assertEquals(1, h.closes.get());
    }

    @Test
    void concurrentCloseFreesTheNativeObjectExactlyOnce() throws Exception {
        // A race: 20 rounds in one test (a @RepeatedTest would count as 20 tests).
        for (int round = 0; round < 20; round++) {
            CountingHandle h = new CountingHandle();
            int closers = 8;
            CyclicBarrier start = new CyclicBarrier(closers);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < closers; i++) {
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return h.close();
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                if (f.get(10, TimeUnit.SECONDS)) {
                    winners++;
                }
            }
            assertEquals(1, winners, "exactly one close() reports that it closed, round " + round);
            assertEquals(1, h.closes.get(), "closeNative ran more than once, round " + round);
            assertEquals(1, h.beforeCloses.get(), "round " + round);
        }
    }

    @Test
    void secondCloseWaitsUntilTheFirstHasFreedTheObject() throws Exception {
        CountingHandle h = new CountingHandle();
        h.closeNativeGate = new CountDownLatch(1);
        Future<Boolean> first = pool.submit(h::close);
        assertTrue(h.closeNativeEntered.await(10, TimeUnit.SECONDS));
        AtomicBoolean secondReturned = new AtomicBoolean();
        Thread second = new Thread(() -> {
            assertFalse(h.close());
            secondReturned.set(true);
        }, "second-closer");
        second.start();
        awaitBlocked(second);
        assertFalse(secondReturned.get(), "second close returned before the native object was freed");
        h.closeNativeGate.countDown();
        assertTrue(first.get(10, TimeUnit.SECONDS));
        second.join(10_000);
        assertTrue(secondReturned.get());
        assertEquals(1, h.closes.get());
    }

    @Test
    void leaseHoldersAreNeverRefusedMidUse() throws Exception {
        // Leases taken before close began run to completion even though close() is waiting.
        CountingHandle h = new CountingHandle();
        int holders = 4;
        CountDownLatch allLeased = new CountDownLatch(holders);
        CountDownLatch finish = new CountDownLatch(1);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < holders; i++) {
            fs.add(pool.submit(() -> {
                try (Handle.Lease l = h.lease()) {
                    allLeased.countDown();
                    finish.await();
                    return h.closes.get();
                }
            }));
        }
        assertTrue(allLeased.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(h::close, "closer");
        closer.start();
        awaitBlocked(closer);
        finish.countDown();
        for (Future<Integer> f : fs) {
            assertEquals(0, f.get(10, TimeUnit.SECONDS));
        }
        closer.join(10_000);
        assertEquals(1, h.closes.get());
    }
}
