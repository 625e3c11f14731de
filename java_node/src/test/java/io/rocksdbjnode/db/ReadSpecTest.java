package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read's {@code {snapshot, S}}: the snapshot is leased for as long as the read's spec is open,
 * so a release waits for the reads in flight and never frees a snapshot one of them uses; a
 * released snapshot, or one of another DB, is refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadSpecTest {
    private static final Ownership OWNER = new Ownership(new OtpErlangPid("t@127.0.0.1", 1, 0, 1), null, null);
    private static final AtomicInteger REF_IDS = new AtomicInteger(1);

    @TempDir
    Path tmp;

    private final HandleTable table = new HandleTable(
            () -> new OtpErlangRef("t@127.0.0.1", new int[] {REF_IDS.getAndIncrement(), 0, 0}, 1));
    private final DirectoryClaims claims = new DirectoryClaims();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
        table.all().forEach(table::close);
    }

    private SnapshotHandle snapshot(DbHandle db) throws RequestException {
        return db.leased(d -> table.addChild(ref -> new SnapshotHandle(ref, OWNER, d, d.db().getSnapshot())));
    }

    private static OtpErlangList readingAt(SnapshotHandle s) {
        return new OtpErlangList(new OtpErlangObject[] {
            new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("snapshot"), s.ref()})});
    }

    @Test
    void releaseWaitsForTheReadsAtTheSnapshot() throws Exception {
        DbHandle db = DbFixture.open(table, claims, OWNER, tmp.resolve("db"));
        db.db().put("k".getBytes(), "old".getBytes());
        SnapshotHandle s = snapshot(db);
        db.db().put("k".getBytes(), "new".getBytes());
        ReadSpec spec = ReadSpec.of(table, db, readingAt(s), "read_options");
        Future<Boolean> release = pool.submit(() -> table.close(s));
        assertThrows(TimeoutException.class, () -> release.get(300, TimeUnit.MILLISECONDS),
                "the release did not wait for the read at the snapshot");
        // The snapshot is still there for the read in flight.
        assertArrayEquals("old".getBytes(), db.db().get(spec.options(), "k".getBytes()));
        spec.close();
        assertTrue(release.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aReleasedSnapshotIsRefused() throws Exception {
        DbHandle db = DbFixture.open(table, claims, OWNER, tmp.resolve("db"));
        SnapshotHandle s = snapshot(db);
        assertTrue(table.close(s));
        RequestException e = assertThrows(RequestException.class,
                () -> ReadSpec.of(table, db, readingAt(s), "read_options"));
        assertTrue(e.reply().toString().contains("closed_handle"), e.reply().toString());
    }

    @Test
    void aSnapshotOfAnotherDbIsRefused() throws Exception {
        DbHandle a = DbFixture.open(table, claims, OWNER, tmp.resolve("a"));
        DbHandle b = DbFixture.open(table, claims, OWNER, tmp.resolve("b"));
        SnapshotHandle s = snapshot(a);
        RequestException e = assertThrows(RequestException.class,
                () -> ReadSpec.of(table, b, readingAt(s), "read_options"));
        assertTrue(e.reply().toString().contains("snapshot_of_other_db"), e.reply().toString());
        assertFalse(e.reply().toString().contains("closed_handle"));
    }
}
