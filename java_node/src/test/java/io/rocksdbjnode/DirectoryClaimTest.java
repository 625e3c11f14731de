package io.rocksdbjnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** Directory claims keep restores and destroys away from opens in progress and open DBs. */
class DirectoryClaimTest {
    private static final AtomicInteger IDS = new AtomicInteger(1);
    private static final OtpErlangPid OWNER = new OtpErlangPid("t@127.0.0.1", 1, 0, 0);

    @TempDir
    Path tmp;

    private final HandleTable table = new HandleTable(
            () -> new OtpErlangRef("t@127.0.0.1", new int[] {IDS.getAndIncrement(), 0, 0}, 0));

    @Test
    void rewriteWaitsForNoOpenInProgress() {
        Path db = tmp.resolve("db");
        assertNull(table.claim(HandleTable.Claim.OPEN, List.of(db)));
        assertEquals(db, table.claim(HandleTable.Claim.REWRITE, List.of(db)));
        assertEquals(db, table.claim(HandleTable.Claim.REWRITE, List.of(tmp)), "a parent overlaps too");
        table.release(HandleTable.Claim.OPEN, List.of(db));
        assertNull(table.claim(HandleTable.Claim.REWRITE, List.of(db)));
    }

    @Test
    void openIsRefusedDuringARewriteButNotDuringAnotherOpen() {
        Path db = tmp.resolve("db");
        assertNull(table.claim(HandleTable.Claim.OPEN, List.of(db)));
        assertNull(table.claim(HandleTable.Claim.OPEN, List.of(db)), "RocksDB's own lock answers that case");
        table.release(HandleTable.Claim.OPEN, List.of(db));
        table.release(HandleTable.Claim.OPEN, List.of(db));
        assertNull(table.claim(HandleTable.Claim.REWRITE, List.of(db)));
        assertEquals(db, table.claim(HandleTable.Claim.OPEN, List.of(db.resolve("inner"))));
        table.release(HandleTable.Claim.REWRITE, List.of(db));
        assertNull(table.claim(HandleTable.Claim.OPEN, List.of(db)));
    }

    @Test
    void rewriteIsRefusedWhereADbIsOpen() throws Exception {
        Path dir = tmp.resolve("open");
        try (Options o = new Options().setCreateIfMissing(true)) {
            RocksDB db = RocksDB.open(o, dir.toString());
            Options kept = new Options();
            DbHandle h = table.add(ref -> new DbHandle(ref, new Ownership(OWNER, null, null), db, kept, dir, false));
            assertEquals(dir, table.claim(HandleTable.Claim.REWRITE, List.of(dir)));
            assertNull(table.claim(HandleTable.Claim.REWRITE, List.of(tmp.resolve("elsewhere"))));
            table.close(h);
            assertNull(table.claim(HandleTable.Claim.REWRITE, List.of(dir)));
        }
    }
}
