package io.rocksdbjnode.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The table's bookkeeping around closes, with handles that hold no native object: the directory
 * stays held while a close is pending, how many closed references are remembered, what stands in
 * a claim's way.
 */
class HandleTableClosingTest {
    private static final OtpErlangPid ALICE = new OtpErlangPid("a@127.0.0.1", 10, 0, 1);
    private static final Path DIR = Path.of("/data/db");
    private static final Path OTHER = Path.of("/data/other");

    private final AtomicInteger refIds = new AtomicInteger(1);
    private final Supplier<OtpErlangRef> mint = () -> new OtpErlangRef("t@127.0.0.1", new int[] {refIds.getAndIncrement(), 0, 0}, 1);
    private final HandleTable table = new HandleTable(mint);
    private final DirectoryClaims claims = new DirectoryClaims();
    private final Claims kept = new Claims(claims);

    private Handle fake(OtpErlangRef ref, Path dir) {
        return new Handle(ref, Handle.Kind.DB, new Ownership(ALICE, null, null),
                Claims.held(claims, DirectoryClaims.Claim.OPEN_DB, dir)) {
            @Override
            protected void closeNative() {}
        };
    }

    private static OtpErlangObject badarg(String why, OtpErlangRef ref) {
        return new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("error"),
            new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("badarg"),
                new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom(why), ref})})});
    }

    private OtpErlangObject lookupFailure(OtpErlangRef ref) {
        try {
            table.lookup(ref, "db");
            return null;
        } catch (RequestException e) {
            return e.reply();
        }
    }

    @Test
    void allListsTheLiveHandles() {
        Handle a = table.add(ref -> fake(ref, DIR));
        Handle b = table.add(ref -> fake(ref, OTHER));
        assertEquals(Set.of(a, b), Set.copyOf(table.all()));
        table.close(a);
        assertEquals(List.of(b), table.all());
        assertEquals(1, table.size());
    }

    @Test
    void awaitClosedWaitsOnlyForAPendingCloseOfThatDirectory() {
        Handle h = table.add(ref -> fake(ref, DIR));
        Runnable pending = table.takeOut(h);
        assertNotNull(pending);
        long t0 = System.nanoTime();
        claims.awaitClosed(OTHER, 5_000);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "waited for another directory's close");
        t0 = System.nanoTime();
        claims.awaitClosed(DIR, 300);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(250), "did not wait for the pending close");
        // A restore of the directory is refused until the close is done.
        assertEquals(Optional.of(new DirectoryClaims.Blocker(DIR, DirectoryClaims.Claim.OPEN_DB)),
                kept.claim(DirectoryClaims.Claim.REWRITE, List.of(DIR)));
        pending.run();
        t0 = System.nanoTime();
        claims.awaitClosed(DIR, 5_000);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "waited after the close was done");
        assertEquals(Optional.empty(), kept.claim(DirectoryClaims.Claim.REWRITE, List.of(DIR)));
        kept.release(DirectoryClaims.Claim.REWRITE, List.of(DIR));
    }

    /** A wait that began while the close was pending ends when the close is done, not at its timeout. */
    @Test
    void aWaitForAPendingCloseEndsWhenTheCloseIsDone() throws Exception {
        Handle h = table.add(ref -> fake(ref, DIR));
        Runnable pending = table.takeOut(h);
        AtomicLong waitedNanos = new AtomicLong(-1);
        Thread waiter = new Thread(() -> {
            long t0 = System.nanoTime();
            claims.awaitClosed(DIR, 30_000);
            waitedNanos.set(System.nanoTime() - t0);
        }, "await-closed");
        waiter.setDaemon(true);
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiter.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.TIMED_WAITING, waiter.getState(), "the waiter never waited");
        pending.run();
        waiter.join(10_000);
        assertTrue(waitedNanos.get() >= 0 && waitedNanos.get() < TimeUnit.SECONDS.toNanos(10),
                "the waiter was still waiting 10 s after the close (or waited out its timeout)");
    }

    @Test
    void anInterruptedWaitReturnsAndKeepsTheInterrupt() {
        Handle h = table.add(ref -> fake(ref, DIR));
        Runnable pending = table.takeOut(h);
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        claims.awaitClosed(DIR, 5_000);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "an interrupted wait went on");
        assertTrue(Thread.interrupted(), "the interrupt was swallowed");
        pending.run();
    }

    /**
     * A handle no longer the one in the table under its ref (minted twice) is not taken out, and
     * keeps its directory until it is closed.
     */
    @Test
    void takingOutAHandleReplacedUnderItsRefLeavesNothingHeld() {
        OtpErlangRef same = mint.get();
        HandleTable twice = new HandleTable(() -> same);
        Handle first = twice.add(ref -> fake(ref, DIR));
        Handle second = twice.add(ref -> fake(ref, OTHER));
        assertNull(twice.takeOut(first));
        assertEquals(List.of(second), twice.all());
        assertEquals(Optional.of(new DirectoryClaims.Blocker(DIR, DirectoryClaims.Claim.OPEN_DB)),
                kept.claim(DirectoryClaims.Claim.REWRITE, List.of(DIR)));
        assertTrue(first.close());
        assertEquals(Optional.empty(), kept.claim(DirectoryClaims.Claim.REWRITE, List.of(DIR)));
    }

    @Test
    void theMostRecentClosedRefsAreRemembered() {
        OtpErlangRef firstRef = null;
        OtpErlangRef secondRef = null;
        for (int i = 0; i <= HandleTable.CLOSED_MEMORY; i++) {
            Handle h = table.add(ref -> fake(ref, DIR));
            if (i == 0) {
                firstRef = h.ref();
            } else if (i == 1) {
                secondRef = h.ref();
            }
            table.close(h);
        }
        // CLOSED_MEMORY + 1 closes: the oldest is forgotten, the next still known as closed.
        assertEquals(badarg("unknown_handle", firstRef), lookupFailure(firstRef));
        assertEquals(badarg("closed_handle", secondRef), lookupFailure(secondRef));
    }

    @Test
    void aBlockerSaysWhatHoldsTheDirectory() {
        assertEquals("overlaps /data/db, the directory of a DB open on this node",
                new DirectoryClaims.Blocker(DIR, DirectoryClaims.Claim.OPEN_DB).why());
        assertEquals("overlaps /data/db, the directory of a backup engine open on this node",
                new DirectoryClaims.Blocker(DIR, DirectoryClaims.Claim.OPEN_ENGINE).why());
        assertEquals("overlaps /data/db, a DB being backed up by path",
                new DirectoryClaims.Blocker(DIR, DirectoryClaims.Claim.READ).why());
        assertEquals("overlaps /data/db, which a restore or destroy is rewriting",
                new DirectoryClaims.Blocker(DIR, DirectoryClaims.Claim.REWRITE).why());
    }
}
