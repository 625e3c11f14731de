package io.rocksdbjnode.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parent/child protocol of handles: a parent's close closes its children (waiting for their
 * leases) before freeing its own native object; no child is adopted once its parent began closing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandleChildrenTest {
    private static final OtpErlangPid PID = new OtpErlangPid("x@127.0.0.1", 1, 0, 1);
    private static final Ownership OWNED = new Ownership(PID, null, null);
    private static final AtomicInteger REF_IDS = new AtomicInteger(1);

    private final List<String> freed = new CopyOnWriteArrayList<>();
    private final HandleTable table = new HandleTable(
            () -> new OtpErlangRef("t@127.0.0.1", new int[] {REF_IDS.getAndIncrement(), 0, 0}, 1));
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS), "test threads did not end");
    }

    /** A handle that records when its native object is freed. */
    private final class Recorded extends Handle {
        final String name;

        Recorded(OtpErlangRef ref, String name) {
            super(ref, Kind.DB, OWNED, Claims.unshared(Path.of("/" + name)));
            this.name = name;
        }

        Recorded(OtpErlangRef ref, String name, Handle parent, Ownership ownership) {
            super(ref, Kind.ITERATOR, ownership, parent);
            this.name = name;
        }

        @Override
        protected void closeNative() {
            freed.add(name);
        }
    }

    @Test
    void parentCloseClosesChildrenFirstAndTakesThemOutOfTheTable() throws Exception {
        Recorded db = table.add(ref -> new Recorded(ref, "db"));
        Recorded cf = table.addChild(ref -> new Recorded(ref, "cf", db, null));
        Recorded it = table.addChild(ref -> new Recorded(ref, "it", cf, OWNED));
        assertTrue(table.close(db));
        assertEquals(List.of("it", "cf", "db"), freed);
        RequestException e = assertThrows(RequestException.class, () -> table.lookup(it.ref(), "iterator"));
        assertTrue(e.reply().toString().contains("closed_handle"), e.reply().toString());
        assertThrows(RequestException.class, () -> table.lookup(cf.ref(), "cf"));
    }

    @Test
    void aChildClosedOnItsOwnIsForgottenByItsParent() throws Exception {
        Recorded db = table.add(ref -> new Recorded(ref, "db"));
        Recorded it = table.addChild(ref -> new Recorded(ref, "it", db, OWNED));
        assertTrue(table.close(it));
        assertTrue(table.close(db));
        assertEquals(List.of("it", "db"), freed, "the child is freed once");
    }

    @Test
    void noChildIsAdoptedOnceItsParentBeganClosing() throws Exception {
        Recorded db = table.add(ref -> new Recorded(ref, "db"));
        CountDownLatch leased = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> user = pool.submit(() -> {
            try (Handle.Lease l = db.lease()) {
                leased.countDown();
                release.await();
                // The parent began closing while this lease was held: the child is refused and freed.
                RequestException e = assertThrows(RequestException.class,
                        () -> table.addChild(ref -> new Recorded(ref, "late", db, OWNED)));
                assertTrue(e.reply().toString().contains("closed_handle"), e.reply().toString());
            }
            return null;
        });
        leased.await();
        Future<Boolean> closer = pool.submit(() -> table.close(db));
        while (!closingStarted(db)) {
            Thread.onSpinWait();
        }
        release.countDown();
        user.get(20, TimeUnit.SECONDS);
        assertTrue(closer.get(20, TimeUnit.SECONDS));
        assertEquals(List.of("late", "db"), freed, "the refused child is freed before its parent");
    }

    @Test
    void parentCloseWaitsForAChildsLeaseInFlight() throws Exception {
        Recorded db = table.add(ref -> new Recorded(ref, "db"));
        Recorded it = table.addChild(ref -> new Recorded(ref, "it", db, OWNED));
        Handle.Lease childLease = it.lease();
        Future<Boolean> closer = pool.submit(() -> table.close(db));
        assertThrows(java.util.concurrent.TimeoutException.class, () -> closer.get(300, TimeUnit.MILLISECONDS));
        assertFalse(freed.contains("db"), "the parent was freed while its child was in use");
        childLease.close();
        assertTrue(closer.get(20, TimeUnit.SECONDS));
        assertEquals(List.of("it", "db"), freed);
    }

    @Test
    void childrenWithoutOwnerAreNotListedAsOwnedOnANode() throws Exception {
        Recorded db = table.add(ref -> new Recorded(ref, "db"));
        table.addChild(ref -> new Recorded(ref, "cf", db, null));
        assertEquals(List.of(db), table.ownedOnNode("x@127.0.0.1"));
    }

    /** Whether {@code h} refuses leases, i.e. its close has begun. */
    private static boolean closingStarted(Handle h) {
        try (Handle.Lease l = h.lease()) {
            return false;
        } catch (RequestException e) {
            return true;
        }
    }
}
