package io.rocksdbjnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * Directory claims keep restores and destroys away from opens in progress, open DBs, open backup
 * engines and backups by path, and keep DBs and backup engines out of each other's directories.
 */
class DirectoryClaimTest {
    private static final AtomicInteger IDS = new AtomicInteger(1);
    private static final Ownership OWNER = new Ownership(new OtpErlangPid("t@127.0.0.1", 1, 0, 0), null, null);
    private static final Optional<HandleTable.Blocker> CLAIMED = Optional.empty();

    @TempDir
    Path tmp;

    private final HandleTable table = new HandleTable(
            () -> new OtpErlangRef("t@127.0.0.1", new int[] {IDS.getAndIncrement(), 0, 0}, 0));

    @BeforeEach
    void setUp() throws IOException {
        RocksDB.loadLibrary();
        tmp = tmp.toRealPath();
    }

    @AfterEach
    void closeAll() {
        for (Handle h : table.all()) {
            table.close(h);
        }
    }

    private static Optional<HandleTable.Blocker> blocker(Path dir, HandleTable.Claim kind) {
        return Optional.of(new HandleTable.Blocker(dir, kind));
    }

    private Optional<HandleTable.Blocker> claim(HandleTable.Claim kind, Path... dirs) {
        return table.claim(kind, List.of(dirs));
    }

    private DbHandle openDb(Path dir) throws Exception {
        Files.createDirectories(dir.getParent());
        Options o = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(o, dir.toString());
        return table.add(ref -> new DbHandle(ref, OWNER, db, o, dir, false));
    }

    private BackupEngineHandle openEngine(Path dir) throws Exception {
        Files.createDirectories(dir);
        return table.add(ref -> {
            try {
                return BackupEngineHandle.open(ref, OWNER, dir, new BackupEngineOptions(dir.toString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void rewriteWaitsForNoOpenInProgress() {
        Path db = tmp.resolve("db");
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_DB, db));
        assertEquals(blocker(db, HandleTable.Claim.OPEN_DB), claim(HandleTable.Claim.REWRITE, db));
        assertEquals(blocker(db, HandleTable.Claim.OPEN_DB), claim(HandleTable.Claim.REWRITE, tmp),
                "a parent overlaps too");
        table.release(HandleTable.Claim.OPEN_DB, List.of(db));
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, db));
    }

    @Test
    void openIsRefusedDuringARewriteButNotDuringAnotherOpen() {
        Path db = tmp.resolve("db");
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_DB, db));
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_DB, db), "RocksDB's own lock answers that case");
        table.release(HandleTable.Claim.OPEN_DB, List.of(db));
        table.release(HandleTable.Claim.OPEN_DB, List.of(db));
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, db));
        assertEquals(blocker(db, HandleTable.Claim.REWRITE), claim(HandleTable.Claim.OPEN_DB, db.resolve("inner")));
        table.release(HandleTable.Claim.REWRITE, List.of(db));
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_DB, db));
    }

    /** The open request itself, while a destroy (a rewrite claim) runs on its directory. */
    @Test
    void anOpenRequestDuringADestroyOfItsDirectoryIsADbOpenError() throws Exception {
        Path db = tmp.resolve("db");
        DbOps ops = new DbOps(table, new PathGuard(List.of()), new ThreadBudget(0, List.of()));
        Request open = new Request(OWNER.owner(), new OtpErlangAtom("tag"), "open",
                new OtpErlangObject[] {
                    new OtpErlangBinary(db.toString().getBytes(StandardCharsets.UTF_8)),
                    new OtpErlangList(new OtpErlangAtom("create_if_missing"))});
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, db));
        RequestException refused = assertThrows(RequestException.class, () -> ops.open(open));
        String reply = refused.reply().toString();
        assertTrue(reply.startsWith("{error,{db_open,\"IO error: " + db + ": "), reply);
        assertTrue(table.all().isEmpty(), "nothing opened");
        table.release(HandleTable.Claim.REWRITE, List.of(db));
        assertEquals("ok", ((OtpErlangTuple) ops.open(open)).elementAt(0).toString());
    }

    @Test
    void rewriteIsRefusedInAroundAndInsideAnOpenDbButNotBesideIt() throws Exception {
        Path dir = tmp.resolve("parent/db");
        DbHandle h = openDb(dir);
        Optional<HandleTable.Blocker> open = blocker(dir, HandleTable.Claim.OPEN_DB);
        assertEquals(open, claim(HandleTable.Claim.REWRITE, dir));
        assertEquals(open, claim(HandleTable.Claim.REWRITE, dir.resolve("sub")));
        assertEquals(open, claim(HandleTable.Claim.REWRITE, tmp.resolve("parent")));
        assertEquals(open, claim(HandleTable.Claim.REWRITE, tmp));
        assertEquals(open, claim(HandleTable.Claim.REWRITE, tmp.resolve("elsewhere"), dir), "any of the dirs");
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, tmp.resolve("parent/db2")));
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, tmp.resolve("parent/other")));
        assertTrue(table.close(h));
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, dir));
    }

    /** Issue 11: a restore into an engine's meta/ directory emptied it, losing every backup. */
    @Test
    void rewriteIsRefusedInAroundAndInsideAnOpenBackupEngine() throws Exception {
        Path top = tmp.resolve("top");
        Path bk = top.resolve("bk");
        BackupEngineHandle e = openEngine(bk);
        Optional<HandleTable.Blocker> open = blocker(bk, HandleTable.Claim.OPEN_ENGINE);
        for (Path p : List.of(bk, bk.resolve("meta"), bk.resolve("shared_checksum"), bk.resolve("private/1"), top,
                tmp)) {
            assertEquals(open, claim(HandleTable.Claim.REWRITE, p), p.toString());
        }
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, top.resolve("bk2")));
        assertTrue(table.close(e));
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, bk.resolve("meta")));
    }

    @Test
    void engineOpenInProgressAndRewriteExcludeEachOther() {
        Path bk = tmp.resolve("bk");
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_ENGINE, bk));
        assertEquals(blocker(bk, HandleTable.Claim.OPEN_ENGINE), claim(HandleTable.Claim.REWRITE, bk.resolve("meta")));
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_ENGINE, bk), "two engines on one directory, as RocksDB");
        table.release(HandleTable.Claim.OPEN_ENGINE, List.of(bk));
        table.release(HandleTable.Claim.OPEN_ENGINE, List.of(bk));

        Path target = tmp.resolve("target");
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, target));
        assertEquals(blocker(target, HandleTable.Claim.REWRITE), claim(HandleTable.Claim.OPEN_ENGINE, target));
        assertEquals(blocker(target, HandleTable.Claim.REWRITE), claim(HandleTable.Claim.OPEN_ENGINE, tmp));
        table.release(HandleTable.Claim.REWRITE, List.of(target));
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_ENGINE, target));
    }

    @Test
    void aReadConflictsWithRewritesOnly() {
        Path db = tmp.resolve("db");
        assertEquals(CLAIMED, claim(HandleTable.Claim.READ, db));
        Optional<HandleTable.Blocker> reading = blocker(db, HandleTable.Claim.READ);
        assertEquals(reading, claim(HandleTable.Claim.REWRITE, db));
        assertEquals(reading, claim(HandleTable.Claim.REWRITE, db.resolve("sub")));
        assertEquals(reading, claim(HandleTable.Claim.REWRITE, tmp));
        assertEquals(CLAIMED, claim(HandleTable.Claim.READ, db));
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_DB, db));
        table.release(HandleTable.Claim.OPEN_DB, List.of(db));
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_ENGINE, db.resolve("sub")));
        table.release(HandleTable.Claim.OPEN_ENGINE, List.of(db.resolve("sub")));
        table.release(HandleTable.Claim.READ, List.of(db));
        assertEquals(reading, claim(HandleTable.Claim.REWRITE, db), "one read is still on");
        table.release(HandleTable.Claim.READ, List.of(db));
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, db));
        assertEquals(blocker(db, HandleTable.Claim.REWRITE), claim(HandleTable.Claim.READ, db));
    }

    @Test
    void dbsAndBackupEnginesStayOutOfEachOthersDirectories() throws Exception {
        Path bk = tmp.resolve("bk");
        openEngine(bk);
        Optional<HandleTable.Blocker> engine = blocker(bk, HandleTable.Claim.OPEN_ENGINE);
        assertEquals(engine, claim(HandleTable.Claim.OPEN_DB, bk.resolve("shared_checksum")));
        assertEquals(engine, claim(HandleTable.Claim.OPEN_DB, bk));
        assertEquals(engine, claim(HandleTable.Claim.OPEN_DB, tmp));
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_DB, tmp.resolve("db")));
        Path db = tmp.resolve("db");
        table.release(HandleTable.Claim.OPEN_DB, List.of(db));
        openDb(db);
        Optional<HandleTable.Blocker> open = blocker(db, HandleTable.Claim.OPEN_DB);
        assertEquals(open, claim(HandleTable.Claim.OPEN_ENGINE, db));
        assertEquals(open, claim(HandleTable.Claim.OPEN_ENGINE, db.resolve("backups")));
        assertEquals(CLAIMED, claim(HandleTable.Claim.OPEN_ENGINE, bk), "a second engine on one directory");
    }

    /** A handle being closed still occupies its directory until its native object is freed. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aClosingHandleHoldsItsDirectoryUntilClosed() throws Exception {
        Path bk = tmp.resolve("bk");
        CountDownLatch inCloseNative = new CountDownLatch(1);
        CountDownLatch finishClose = new CountDownLatch(1);
        Handle h = table.add(ref -> new Handle(ref, Handle.Kind.BACKUP_ENGINE, OWNER, bk) {
            @Override
            void closeNative() {
                inCloseNative.countDown();
                try {
                    finishClose.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread closer = new Thread(() -> table.close(h), "closer");
        closer.start();
        inCloseNative.await();
        assertEquals(0, table.size(), "out of the table");
        assertEquals(blocker(bk, HandleTable.Claim.OPEN_ENGINE), claim(HandleTable.Claim.REWRITE, bk));
        finishClose.countDown();
        closer.join();
        assertEquals(CLAIMED, claim(HandleTable.Claim.REWRITE, bk));
    }
}
