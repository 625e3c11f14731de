package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.Claims;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** DB requests racing a close: each one either succeeds or sees closed_handle, never a freed DB. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DbLeaseTest {
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

    private static OtpErlangObject closedHandle(OtpErlangRef ref) {
        return new OtpErlangTuple(new OtpErlangObject[] {
            new OtpErlangAtom("error"),
            new OtpErlangTuple(new OtpErlangObject[] {
                new OtpErlangAtom("badarg"),
                new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("closed_handle"), ref})})});
    }

    @Test
    void putsAndGetsRacingACloseEitherSucceedOrSeeClosedHandle() throws Exception {
        RocksDB.loadLibrary();
        Path dir = tmp.resolve("db");
        Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, dir.toString());
        HandleTable handles = new HandleTable(DbLeaseTest::newRef);
        DbHandle h = handles.add(ref -> new DbHandle(ref, NOBODY, db, java.util.List.of(o), Claims.unshared(dir), false, false));
        OtpErlangObject closed = closedHandle(h.ref());

        int workers = 8;
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch warmedUp = new CountDownLatch(workers);
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int id = w;
            fs.add(pool.submit(() -> {
                boolean counted = false;
                for (int i = 0; ; i++) {
                    byte[] key = ("k" + id + "-" + (i % 500)).getBytes();
                    try (Handle.Lease l = h.lease()) {
                        h.db().put(key, ("v" + i).getBytes());
                        byte[] v = h.db().get(key);
                        if (v == null || !new String(v).equals("v" + i)) {
                            unexpected.add(new AssertionError("read back " + (v == null ? null : new String(v))));
                        }
                        ok.incrementAndGet();
                    } catch (RequestException e) {
                        if (closed.equals(e.reply())) {
                            refused.incrementAndGet();
                            return null; // the handle is closed for good: nothing more to try
                        }
                        unexpected.add(e);
                        return null;
                    } catch (Throwable t) {
                        unexpected.add(t);
                        return null;
                    }
                    if (!counted && i >= 50) {
                        counted = true;
                        warmedUp.countDown();
                    }
                }
            }));
        }
        assertTrue(warmedUp.await(20, TimeUnit.SECONDS), "workers did not get going");
        assertTrue(handles.close(h));
        for (Future<?> f : fs) {
            f.get(20, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), unexpected);
        assertEquals(workers, refused.get(), "every worker ends on closed_handle");
        assertTrue(ok.get() >= workers * 50);
        // The DB really is closed: it opens again.
        try (Options o2 = new Options(); RocksDB again = RocksDB.open(o2, dir.toString())) {
            assertNotEquals(null, again.get("k0-0".getBytes()));
        }
    }

    /** The same race through the request path: table lookup, then lease, as DbOps does it. */
    @Test
    void requestsRacingACloseThroughDbOpsGetOkOrClosedHandle() throws Exception {
        RocksDB.loadLibrary();
        HandleTable table = new HandleTable(DbLeaseTest::newRef);
        DbOps ops = new DbOps(table, new DirectoryClaims(), new PathGuard(List.of()), ThreadBudget.forThisProcess(0));
        OtpErlangPid caller = new OtpErlangPid("c@127.0.0.1", 5, 0, 1);
        OtpErlangObject opened = ops.open(new Request(caller, new OtpErlangAtom("tag"), "open", new OtpErlangObject[] {
            new OtpErlangBinary(tmp.resolve("db").toString().getBytes()),
            new OtpErlangList(new OtpErlangAtom("create_if_missing"))}));
        OtpErlangRef ref = (OtpErlangRef) ((OtpErlangTuple) opened).elementAt(1);
        OtpErlangObject closed = closedHandle(ref);
        OtpErlangObject none = new OtpErlangList();

        int workers = 8;
        CountDownLatch warmedUp = new CountDownLatch(workers);
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int id = w;
            fs.add(pool.submit(() -> {
                for (int i = 0; ; i++) {
                    OtpErlangBinary key = new OtpErlangBinary(("k" + id + "-" + (i % 100)).getBytes());
                    try {
                        OtpErlangObject put = ops.put(new Request(caller, none, "put",
                                new OtpErlangObject[] {ref, key, new OtpErlangBinary(new byte[] {1}), none}));
                        OtpErlangObject got = ops.get(new Request(caller, none, "get",
                                new OtpErlangObject[] {ref, key, none}));
                        if (!new OtpErlangAtom("ok").equals(put) || !(got instanceof OtpErlangTuple)) {
                            unexpected.add(new AssertionError("put " + put + ", get " + got));
                            return null;
                        }
                    } catch (RequestException e) {
                        if (closed.equals(e.reply())) {
                            refused.incrementAndGet();
                            return null;
                        }
                        unexpected.add(new AssertionError("unexpected reply " + e.reply()));
                        return null;
                    } catch (Throwable t) {
                        unexpected.add(t);
                        return null;
                    }
                    if (i == 20) {
                        warmedUp.countDown();
                    }
                }
            }));
        }
        assertTrue(warmedUp.await(20, TimeUnit.SECONDS));
        assertEquals(new OtpErlangAtom("ok"), ops.close(new Request(caller, none, "close", new OtpErlangObject[] {ref})));
        for (Future<?> f : fs) {
            f.get(20, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), unexpected);
        assertEquals(workers, refused.get());
    }
}
