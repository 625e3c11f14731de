package io.rocksdbjnode.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.backup.BackupEngineHandle;
import io.rocksdbjnode.backup.EngineFixture;
import io.rocksdbjnode.db.DbFixture;
import io.rocksdbjnode.db.DbHandle;
import java.io.IOException;
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
import org.rocksdb.RocksDB;

/**
 * Directory claims keep restores and destroys away from opens in progress, open DBs, open backup
 * engines and backups by path, and keep DBs and backup engines out of each other's directories.
 */
class DirectoryClaimTest {
    private static final AtomicInteger IDS = new AtomicInteger(1);
    private static final Ownership OWNER = new Ownership(new OtpErlangPid("t@127.0.0.1", 1, 0, 0), null, null);
    private static final Optional<DirectoryClaims.Blocker> CLAIMED = Optional.empty();

    @TempDir
    Path tmp;

    private final DirectoryClaims claims = new DirectoryClaims();
    private final Claims kept = new Claims(claims);
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

    private static Optional<DirectoryClaims.Blocker> blocker(Path dir, DirectoryClaims.Claim kind) {
        return Optional.of(new DirectoryClaims.Blocker(dir, kind));
    }

    private Optional<DirectoryClaims.Blocker> claim(DirectoryClaims.Claim kind, Path... dirs) {
        return kept.claim(kind, List.of(dirs));
    }

    private void release(DirectoryClaims.Claim kind, List<Path> dirs) {
        kept.release(kind, dirs);
    }

    private DbHandle openDb(Path dir) throws Exception {
        return DbFixture.open(table, claims, OWNER, dir);
    }

    private BackupEngineHandle openEngine(Path dir) throws Exception {
        return EngineFixture.open(table, claims, OWNER, dir);
    }

    @Test
    void rewriteWaitsForNoOpenInProgress() {
        Path db = tmp.resolve("db");
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_DB, db));
        assertEquals(blocker(db, DirectoryClaims.Claim.OPEN_DB), claim(DirectoryClaims.Claim.REWRITE, db));
        assertEquals(blocker(db, DirectoryClaims.Claim.OPEN_DB), claim(DirectoryClaims.Claim.REWRITE, tmp),
                "a parent overlaps too");
        release(DirectoryClaims.Claim.OPEN_DB, List.of(db));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, db));
    }

    @Test
    void openIsRefusedDuringARewriteButNotDuringAnotherOpen() {
        Path db = tmp.resolve("db");
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_DB, db));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_DB, db), "RocksDB's own lock answers that case");
        release(DirectoryClaims.Claim.OPEN_DB, List.of(db));
        release(DirectoryClaims.Claim.OPEN_DB, List.of(db));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, db));
        assertEquals(blocker(db, DirectoryClaims.Claim.REWRITE), claim(DirectoryClaims.Claim.OPEN_DB, db.resolve("inner")));
        release(DirectoryClaims.Claim.REWRITE, List.of(db));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_DB, db));
    }

    @Test
    void rewriteIsRefusedInAroundAndInsideAnOpenDbButNotBesideIt() throws Exception {
        Path dir = tmp.resolve("parent/db");
        DbHandle h = openDb(dir);
        Optional<DirectoryClaims.Blocker> open = blocker(dir, DirectoryClaims.Claim.OPEN_DB);
        assertEquals(open, claim(DirectoryClaims.Claim.REWRITE, dir));
        assertEquals(open, claim(DirectoryClaims.Claim.REWRITE, dir.resolve("sub")));
        assertEquals(open, claim(DirectoryClaims.Claim.REWRITE, tmp.resolve("parent")));
        assertEquals(open, claim(DirectoryClaims.Claim.REWRITE, tmp));
        assertEquals(open, claim(DirectoryClaims.Claim.REWRITE, tmp.resolve("elsewhere"), dir), "any of the dirs");
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, tmp.resolve("parent/db2")));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, tmp.resolve("parent/other")));
        assertTrue(table.close(h));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, dir));
    }

    /** Issue 11: a restore into an engine's meta/ directory emptied it, losing every backup. */
    @Test
    void rewriteIsRefusedInAroundAndInsideAnOpenBackupEngine() throws Exception {
        Path top = tmp.resolve("top");
        Path bk = top.resolve("bk");
        BackupEngineHandle e = openEngine(bk);
        Optional<DirectoryClaims.Blocker> open = blocker(bk, DirectoryClaims.Claim.OPEN_ENGINE);
        for (Path p : List.of(bk, bk.resolve("meta"), bk.resolve("shared_checksum"), bk.resolve("private/1"), top,
                tmp)) {
            assertEquals(open, claim(DirectoryClaims.Claim.REWRITE, p), p.toString());
        }
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, top.resolve("bk2")));
        assertTrue(table.close(e));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, bk.resolve("meta")));
    }

    @Test
    void engineOpenInProgressAndRewriteExcludeEachOther() {
        Path bk = tmp.resolve("bk");
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_ENGINE, bk));
        assertEquals(blocker(bk, DirectoryClaims.Claim.OPEN_ENGINE), claim(DirectoryClaims.Claim.REWRITE, bk.resolve("meta")));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_ENGINE, bk), "two engines on one directory, as RocksDB");
        release(DirectoryClaims.Claim.OPEN_ENGINE, List.of(bk));
        release(DirectoryClaims.Claim.OPEN_ENGINE, List.of(bk));

        Path target = tmp.resolve("target");
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, target));
        assertEquals(blocker(target, DirectoryClaims.Claim.REWRITE), claim(DirectoryClaims.Claim.OPEN_ENGINE, target));
        assertEquals(blocker(target, DirectoryClaims.Claim.REWRITE), claim(DirectoryClaims.Claim.OPEN_ENGINE, tmp));
        release(DirectoryClaims.Claim.REWRITE, List.of(target));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_ENGINE, target));
    }

    @Test
    void aReadConflictsWithRewritesOnly() {
        Path db = tmp.resolve("db");
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.READ, db));
        Optional<DirectoryClaims.Blocker> reading = blocker(db, DirectoryClaims.Claim.READ);
        assertEquals(reading, claim(DirectoryClaims.Claim.REWRITE, db));
        assertEquals(reading, claim(DirectoryClaims.Claim.REWRITE, db.resolve("sub")));
        assertEquals(reading, claim(DirectoryClaims.Claim.REWRITE, tmp));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.READ, db));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_DB, db));
        release(DirectoryClaims.Claim.OPEN_DB, List.of(db));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_ENGINE, db.resolve("sub")));
        release(DirectoryClaims.Claim.OPEN_ENGINE, List.of(db.resolve("sub")));
        release(DirectoryClaims.Claim.READ, List.of(db));
        assertEquals(reading, claim(DirectoryClaims.Claim.REWRITE, db), "one read is still on");
        release(DirectoryClaims.Claim.READ, List.of(db));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, db));
        assertEquals(blocker(db, DirectoryClaims.Claim.REWRITE), claim(DirectoryClaims.Claim.READ, db));
    }

    @Test
    void dbsAndBackupEnginesStayOutOfEachOthersDirectories() throws Exception {
        Path bk = tmp.resolve("bk");
        openEngine(bk);
        Optional<DirectoryClaims.Blocker> engine = blocker(bk, DirectoryClaims.Claim.OPEN_ENGINE);
        assertEquals(engine, claim(DirectoryClaims.Claim.OPEN_DB, bk.resolve("shared_checksum")));
        assertEquals(engine, claim(DirectoryClaims.Claim.OPEN_DB, bk));
        assertEquals(engine, claim(DirectoryClaims.Claim.OPEN_DB, tmp));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_DB, tmp.resolve("db")));
        Path db = tmp.resolve("db");
        release(DirectoryClaims.Claim.OPEN_DB, List.of(db));
        openDb(db);
        Optional<DirectoryClaims.Blocker> open = blocker(db, DirectoryClaims.Claim.OPEN_DB);
        assertEquals(open, claim(DirectoryClaims.Claim.OPEN_ENGINE, db));
        assertEquals(open, claim(DirectoryClaims.Claim.OPEN_ENGINE, db.resolve("backups")));
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.OPEN_ENGINE, bk), "a second engine on one directory");
    }

    /** A handle being closed still occupies its directory until its native object is freed. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aClosingHandleHoldsItsDirectoryUntilClosed() throws Exception {
        Path bk = tmp.resolve("bk");
        CountDownLatch inCloseNative = new CountDownLatch(1);
        CountDownLatch finishClose = new CountDownLatch(1);
        Handle h = table.add(ref -> new Handle(ref, Handle.Kind.BACKUP_ENGINE, OWNER, Claims.held(claims, DirectoryClaims.Claim.OPEN_ENGINE, bk)) {
            @Override
            protected void closeNative() {
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
        assertEquals(blocker(bk, DirectoryClaims.Claim.OPEN_ENGINE), claim(DirectoryClaims.Claim.REWRITE, bk));
        finishClose.countDown();
        closer.join();
        assertEquals(CLAIMED, claim(DirectoryClaims.Claim.REWRITE, bk));
    }
}
