package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.Terms;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * The reader thread's attempts: they answer what RocksDB does without waiting, exactly as the
 * pool would, and give up (null, nothing written) on a disk read, a write stall, a sync, other
 * options, or a bad request.
 */
class NonBlockingTest {
    private static final OtpErlangPid ME = new OtpErlangPid("t@127.0.0.1", 1, 0, 1);
    private static final AtomicInteger REF_IDS = new AtomicInteger(1);
    private static final OtpErlangList NONE = new OtpErlangList();

    @TempDir
    Path tmp;

    private HandleTable table;
    private DbOps dbOps;
    private NonBlocking attempts;

    @BeforeEach
    void setUp() throws Exception {
        RocksDB.loadLibrary();
        table = new HandleTable(() -> new OtpErlangRef("t@127.0.0.1", new int[] {REF_IDS.getAndIncrement(), 0, 0}, 1));
        dbOps = new DbOps(table, new DirectoryClaims(), new PathGuard(List.of()), ThreadBudget.forThisProcess(0));
        attempts = new NonBlocking(table);
    }

    @AfterEach
    void tearDown() {
        table.all().forEach(table::close);
    }

    private OtpErlangObject open(String name, OtpErlangObject... extraOptions) throws Exception {
        List<OtpErlangObject> opts = new java.util.ArrayList<>(List.of(Terms.tuple(Terms.atom("create_if_missing"), Terms.TRUE)));
        opts.addAll(List.of(extraOptions));
        OtpErlangObject reply = dbOps.open(request("open", Terms.charlist(tmp.resolve(name).toString()), Terms.list(opts)));
        return ((OtpErlangTuple) reply).elementAt(1);
    }

    private static Request request(String name, OtpErlangObject... args) {
        return new Request(ME, Terms.atom("tag"), name, args);
    }

    private static OtpErlangObject bin(String s) {
        return Terms.binary(s.getBytes(StandardCharsets.UTF_8));
    }

    private OtpErlangObject attemptGet(OtpErlangObject db, String key) {
        return attempts.get(request("get", db, bin(key), NONE), false);
    }

    private OtpErlangObject attemptPut(OtpErlangObject db, String key, String value, OtpErlangObject opts) {
        return attempts.write(request("put", db, bin(key), bin(value), opts), false, NonBlocking.Op.PUT);
    }

    /** What the pool's own get says. */
    private OtpErlangObject poolGet(OtpErlangObject db, String key) throws Exception {
        return dbOps.get(request("get", db, bin(key), NONE));
    }

    @Test
    void aGetFromTheMemtableIsAnsweredAsThePoolWould() throws Exception {
        OtpErlangObject db = open("db");
        assertEquals(Terms.OK, dbOps.put(request("put", db, bin("k"), bin("v"), NONE)));
        assertEquals(poolGet(db, "k"), attemptGet(db, "k"));
        assertEquals(Terms.ok(bin("v")), attemptGet(db, "k"));
        assertEquals(Terms.atom("not_found"), attemptGet(db, "absent"));
    }

    @Test
    void aGetThatWouldReadTheDiskIsHandedOnAndThenCached() throws Exception {
        OtpErlangObject db = open("db");
        Path dir = tmp.resolve("db");
        assertEquals(Terms.OK, dbOps.put(request("put", db, bin("k"), bin("v"), NONE)));
        DbHandle.of(table, db).leased(d -> {
            d.db().flush(new org.rocksdb.FlushOptions().setWaitForFlush(true));
            return null;
        });
        table.close(DbHandle.of(table, db));
        // Reopened: the value is in a table file and not in the block cache.
        OtpErlangObject reopened = ((OtpErlangTuple) dbOps.open(request("open", Terms.charlist(dir.toString()), NONE))).elementAt(1);
        assertNull(attemptGet(reopened, "k"));
        // The pool reads it from disk (and fills the cache), after which the reader answers.
        assertEquals(Terms.ok(bin("v")), poolGet(reopened, "k"));
        assertEquals(Terms.ok(bin("v")), attemptGet(reopened, "k"));
    }

    @Test
    void aPutIsWrittenOnlyWithDefaultOptions() throws Exception {
        OtpErlangObject db = open("db");
        assertEquals(Terms.OK, attemptPut(db, "a", "1", NONE));
        assertEquals(Terms.ok(bin("1")), poolGet(db, "a"));
        OtpErlangObject syncFalse = Terms.list(List.of(Terms.tuple(Terms.atom("sync"), Terms.FALSE)));
        assertEquals(Terms.OK, attemptPut(db, "b", "2", syncFalse));
        assertEquals(Terms.ok(bin("2")), poolGet(db, "b"));
        OtpErlangObject sync = Terms.list(List.of(Terms.tuple(Terms.atom("sync"), Terms.TRUE)));
        assertNull(attemptPut(db, "c", "3", sync));
        OtpErlangObject noWal = Terms.list(List.of(Terms.tuple(Terms.atom("disable_wal"), Terms.TRUE)));
        assertNull(attemptPut(db, "c", "3", noWal));
        assertEquals(Terms.atom("not_found"), poolGet(db, "c"));
        assertEquals(Terms.OK, attempts.write(request("delete", db, bin("a"), NONE), false, NonBlocking.Op.DELETE));
        assertEquals(Terms.atom("not_found"), poolGet(db, "a"));
    }

    @Test
    void aWriteRocksDbWouldStallIsHandedOnUnwritten() throws Exception {
        // Two small memtables and no flush: once both are full, RocksDB stops writes.
        OtpErlangObject db = open("db", Terms.tuple(Terms.atom("write_buffer_size"), Terms.integer(64 * 1024)),
                Terms.tuple(Terms.atom("max_write_buffer_number"), Terms.integer(2)));
        DbHandle h = DbHandle.of(table, db);
        h.leased(d -> {
            d.db().pauseBackgroundWork();
            return null;
        });
        byte[] filler = new byte[4096];
        boolean stopped = false;
        try (WriteOptions noStall = new WriteOptions().setNoSlowdown(true)) {
            for (int i = 0; i < 1000 && !stopped; i++) {
                byte[] key = ("fill" + i).getBytes(StandardCharsets.UTF_8);
                try {
                    h.leased(d -> {
                        d.db().put(noStall, key, filler);
                        return null;
                    });
                } catch (io.rocksdbjnode.wire.RequestException e) {
                    stopped = true;
                }
            }
        }
        assertTrue(stopped, "writes never stalled");
        assertNull(attemptPut(db, "late", "v", NONE));
        h.leased(d -> {
            d.db().continueBackgroundWork();
            return null;
        });
        // The attempt wrote nothing: the key is absent once writes flow again.
        assertEquals(Terms.atom("not_found"), poolGet(db, "late"));
        assertEquals(Terms.OK, dbOps.put(request("put", db, bin("late"), bin("v"), NONE)));
    }

    /**
     * While a synced write of the DB runs (on a pool thread), the reader's writes are handed on:
     * RocksDB would let them join its write group and wait for its fsync. Gets are not affected.
     */
    @Test
    void writesWaitForNoSyncedWrite() throws Exception {
        OtpErlangObject db = open("db");
        DbHandle h = DbHandle.of(table, db);
        try (WriteOptions unsynced = new WriteOptions(); DbHandle.Syncing s = h.syncing(unsynced)) {
            assertTrue(!h.syncedWriteRunning());
            assertEquals(Terms.OK, attemptPut(db, "a", "1", NONE));
        }
        try (WriteOptions synced = new WriteOptions().setSync(true)) {
            try (DbHandle.Syncing s = h.syncing(synced)) {
                assertTrue(h.syncedWriteRunning());
                assertNull(attemptPut(db, "b", "2", NONE));
                assertNull(attempts.write(request("delete", db, bin("a"), NONE), false, NonBlocking.Op.DELETE));
                assertEquals(Terms.ok(bin("1")), attemptGet(db, "a"));
            }
            assertTrue(!h.syncedWriteRunning());
            assertEquals(Terms.OK, attemptPut(db, "b", "2", NONE));
        }
    }

    @Test
    void badRequestsAreLeftToThePool() throws Exception {
        OtpErlangObject db = open("db");
        assertNull(attempts.get(request("get", Terms.atom("not_a_db"), bin("k"), NONE), false));
        assertNull(attempts.get(request("get", db, Terms.atom("not_a_key"), NONE), false));
        assertNull(attempts.get(request("get", db, bin("k"), Terms.list(List.of(Terms.tuple(Terms.atom("fill_cache"), Terms.FALSE)))), false));
        assertNull(attempts.get(request("get", db, bin("k"), Terms.atom("not_a_list")), false));
        table.close(DbHandle.of(table, db));
        assertNull(attemptGet(db, "k"));
        assertNull(attemptPut(db, "k", "v", NONE));
    }

    @Test
    void aPackedWriteIsAppliedWhole() throws Exception {
        OtpErlangObject db = open("db");
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        for (String k : List.of("x", "y")) {
            packed.write(1);
            packed.write(0);
            packed.write(0);
            chunk(packed, k.getBytes(StandardCharsets.UTF_8));
            chunk(packed, ("v" + k).getBytes(StandardCharsets.UTF_8));
        }
        OtpErlangObject reply = attempts.writePacked(request("write_packed", db, NONE, Terms.binary(packed.toByteArray()), NONE));
        assertEquals(Terms.OK, reply);
        assertEquals(Terms.ok(bin("vx")), poolGet(db, "x"));
        assertEquals(Terms.ok(bin("vy")), poolGet(db, "y"));
        // A malformed one is the pool's to refuse.
        assertNull(attempts.writePacked(request("write_packed", db, NONE, Terms.binary(new byte[] {9}), NONE)));
    }

    @Test
    void aGetInAFamilyIsAnswered() throws Exception {
        OtpErlangObject db = open("db");
        OtpErlangObject cf = ((OtpErlangTuple) new ColumnFamilyOps(table, new PathGuard(List.of())).create(
                request("create_column_family", db, Terms.charlist("other"), NONE))).elementAt(1);
        assertEquals(Terms.OK, attempts.write(request("put", db, cf, bin("k"), bin("in-cf"), NONE), true, NonBlocking.Op.PUT));
        assertEquals(Terms.ok(bin("in-cf")), attempts.get(request("get", db, cf, bin("k"), NONE), true));
        assertEquals(Terms.atom("not_found"), attemptGet(db, "k"));
        byte[] raw = DbHandle.of(table, db).leased(d -> d.db().get(CfHandle.of(table, cf).columnFamily(), "k".getBytes()));
        assertArrayEquals("in-cf".getBytes(StandardCharsets.UTF_8), raw);
    }

    private static void chunk(ByteArrayOutputStream out, byte[] b) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
    }
}
