package io.rocksdbjnode.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpNode;
import io.rocksdbjnode.backup.BackupEngineHandle;
import io.rocksdbjnode.backup.EngineFixture;
import io.rocksdbjnode.db.DbFixture;
import io.rocksdbjnode.db.DbHandle;
import io.rocksdbjnode.wire.RequestException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The handle table over real RocksDB instances: lookups, the three kinds of bad reference, close, queries. */
class HandleTableTest {
    private static final String NODE = "t@127.0.0.1";
    private static final OtpErlangPid ALICE = new OtpErlangPid("a@127.0.0.1", 10, 0, 1);
    private static final OtpErlangPid BOB = new OtpErlangPid("b@127.0.0.1", 11, 0, 1);
    private static final OtpErlangPid ALICE2 = new OtpErlangPid("a@127.0.0.1", 12, 0, 1);

    @TempDir
    Path tmp;

    private final AtomicInteger refIds = new AtomicInteger(1);
    private HandleTable table;
    private final DirectoryClaims claims = new DirectoryClaims();
    private final List<Handle> opened = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        RocksDB.loadLibrary();
        tmp = tmp.toRealPath();
        table = new HandleTable(() -> new OtpErlangRef(NODE, new int[] {refIds.getAndIncrement(), 7, 9}, 1));
    }

    @AfterEach
    void tearDown() {
        for (Handle h : table.all()) {
            table.close(h);
        }
        for (Handle h : opened) {
            h.close(); // idempotent: a no-op for those the table closed
        }
    }

    private DbHandle openDb(String name, OtpErlangPid owner) throws Exception {
        DbHandle h = DbFixture.open(table, claims, new Ownership(owner, null, null), tmp.resolve(name));
        opened.add(h);
        return h;
    }

    private BackupEngineHandle openEngine(String name, OtpErlangPid owner) throws Exception {
        BackupEngineHandle h = EngineFixture.open(table, claims, new Ownership(owner, null, null), tmp.resolve(name));
        opened.add(h);
        return h;
    }

    private static OtpErlangObject badarg(OtpErlangObject... detail) {
        return new OtpErlangTuple(new OtpErlangObject[] {
            new OtpErlangAtom("error"),
            new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("badarg"), new OtpErlangTuple(detail)})});
    }

    private static OtpErlangAtom a(String s) {
        return new OtpErlangAtom(s);
    }

    private interface Lookup {
        Object run() throws RequestException;
    }

    private static void assertReply(OtpErlangObject expected, Lookup l) {
        RequestException e = assertThrows(RequestException.class, l::run);
        assertEquals(expected, e.reply());
    }

    @Test
    void addMintsAFreshRefAndLookupFindsTheHandle() throws Exception {
        DbHandle one = openDb("one", ALICE);
        DbHandle two = openDb("two", ALICE);
        assertNotEquals(one.ref(), two.ref());
        assertEquals(NODE, one.ref().node());
        assertSame(one, table.lookup(one.ref(), "db"));
        assertSame(two, DbHandle.of(table, two.ref()));
        assertEquals(2, table.size());
    }

    @Test
    void refsFromARealNodeWork() throws Exception {
        OtpNode node = new OtpNode("t" + Long.toHexString(System.nanoTime()) + "@127.0.0.1", "cookie");
        try {
            HandleTable t = new HandleTable(node::createRef);
            DbHandle h = DbFixture.open(t, claims, new Ownership(ALICE, null, null), tmp.resolve("real"));
            try {
                assertEquals(node.node(), h.ref().node());
                // An equal reference built from the same parts finds the handle: lookup is by value.
                OtpErlangRef copy = new OtpErlangRef(h.ref().node(), h.ref().ids(), h.ref().creation());
                assertSame(h, DbHandle.of(t, copy));
            } finally {
                assertTrue(t.close(h));
            }
        } finally {
            node.close();
        }
    }

    @Test
    void unknownRefIsUnknownHandle() throws Exception {
        openDb("one", ALICE);
        OtpErlangRef stranger = new OtpErlangRef(NODE, new int[] {999_999, 0, 0}, 1);
        assertReply(badarg(a("unknown_handle"), stranger), () -> DbHandle.of(table, stranger));
        assertReply(badarg(a("unknown_handle"), stranger), () -> EngineFixture.lookup(table, stranger));
        assertReply(badarg(a("unknown_handle"), stranger), () -> table.lookup(stranger, "handle"));
    }

    @Test
    void aTermThatIsNotARefIsBadArgument() {
        assertReply(badarg(a("bad_argument"), a("db")), () -> DbHandle.of(table, a("nope")));
        assertReply(badarg(a("bad_argument"), a("backup_engine")), () -> EngineFixture.lookup(table, a("nope")));
    }

    @Test
    void closedRefIsClosedHandle() throws Exception {
        DbHandle h = openDb("one", ALICE);
        assertTrue(table.close(h));
        assertReply(badarg(a("closed_handle"), h.ref()), () -> DbHandle.of(table, h.ref()));
        assertReply(badarg(a("closed_handle"), h.ref()), () -> table.lookup(h.ref(), "handle"));
        assertReply(badarg(a("closed_handle"), h.ref()), h::lease);
        assertEquals(0, table.size());
    }

    /**
     * A reference the table minted is never "unknown", not even to a lookup that runs while the
     * handle is being closed: it is live or closed at every instant.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void lookupRacingCloseSeesClosedHandleNeverUnknownHandle() throws Exception {
        Ownership nobody = new Ownership(ALICE, null, null);
        AtomicReference<OtpErlangRef> current = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        List<OtpErlangObject> wrong = Collections.synchronizedList(new ArrayList<>());
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread r = new Thread(() -> {
                while (!done.get()) {
                    OtpErlangRef ref = current.get();
                    if (ref == null) {
                        continue;
                    }
                    try {
                        table.lookup(ref, "db");
                    } catch (RequestException e) {
                        if (!e.reply().equals(badarg(a("closed_handle"), ref))) {
                            wrong.add(e.reply());
                        }
                    }
                }
            }, "reader-" + i);
            r.start();
            readers.add(r);
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            for (int i = 0; i < 200_000 && wrong.isEmpty() && System.nanoTime() < deadline; i++) {
                Handle h = table.add(ref -> new Handle(ref, Handle.Kind.DB, nobody, Claims.unshared(tmp.resolve("racing"))) {
                    @Override
                    protected void closeNative() {}
                });
                current.set(h.ref());
                for (int spin = 0; spin < 20; spin++) {
                    Thread.onSpinWait();
                }
                assertTrue(table.close(h));
            }
        } finally {
            done.set(true);
            for (Thread r : readers) {
                r.join();
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(3, wrong.size())));
    }

    @Test
    void wrongKindNamesTheExpectedKind() throws Exception {
        DbHandle db = openDb("db", ALICE);
        BackupEngineHandle engine = openEngine("backups", ALICE);
        assertSame(engine, EngineFixture.lookup(table, engine.ref()));
        assertReply(badarg(a("wrong_handle_kind"), engine.ref(), a("db")), () -> DbHandle.of(table, engine.ref()));
        assertReply(badarg(a("wrong_handle_kind"), db.ref(), a("backup_engine")), () -> EngineFixture.lookup(table, db.ref()));
    }

    @Test
    void closeReturnsTrueOnceThenFalse() throws Exception {
        DbHandle h = openDb("one", ALICE);
        assertTrue(table.close(h));
        assertFalse(table.close(h));
        assertFalse(table.close(h));
        BackupEngineHandle e = openEngine("backups", ALICE);
        assertTrue(table.close(e));
        assertFalse(table.close(e));
    }

    @Test
    void closeFreesTheDbSoItCanBeOpenedAgain() throws Exception {
        DbHandle h = openDb("one", ALICE);
        try (Handle.Lease l = h.lease()) {
            h.db().put("k".getBytes(), "v".getBytes());
        }
        assertTrue(table.close(h));
        // RocksDB holds a LOCK file while open: reopening succeeds only if the first instance is gone.
        try (Options o = new Options(); RocksDB again = RocksDB.open(o, tmp.resolve("one").toString())) {
            assertEquals("v", new String(again.get("k".getBytes())));
        }
    }

    @Test
    void dbAtIgnoresBackupEngines() throws Exception {
        openEngine("backups", ALICE);
        assertEquals(Optional.empty(), DbHandle.at(table, tmp.resolve("backups")));
    }

    @Test
    void dbAtFindsOnlyTheExactDir() throws Exception {
        DbHandle h = openDb("parent/db", ALICE);
        assertEquals(Optional.of(h), DbHandle.at(table, tmp.resolve("parent/db")));
        assertEquals(Optional.empty(), DbHandle.at(table, tmp.resolve("parent")));
        assertEquals(Optional.empty(), DbHandle.at(table, tmp.resolve("parent/db/sub")));
        assertTrue(table.close(h));
        assertEquals(Optional.empty(), DbHandle.at(table, tmp.resolve("parent/db")));
    }

    @Test
    void ownedByListsTheOwnersHandles() throws Exception {
        DbHandle a1 = openDb("a1", ALICE);
        BackupEngineHandle a2 = openEngine("a2", ALICE);
        DbHandle b1 = openDb("b1", BOB);
        assertEquals(Set.of(a1, a2), new HashSet<>(table.ownedBy(ALICE)));
        assertEquals(List.of(b1), table.ownedBy(BOB));
        assertEquals(List.of(), table.ownedBy(ALICE2));
        // Ownership moves with setOwner.
        ((Handle) b1).setOwner(ALICE);
        assertEquals(Set.of(a1, a2, b1), new HashSet<>(table.ownedBy(ALICE)));
        assertEquals(List.of(), table.ownedBy(BOB));
        // Closed handles are no longer anyone's.
        assertTrue(table.close(a1));
        assertEquals(Set.of(a2, b1), new HashSet<>(table.ownedBy(ALICE)));
    }

    @Test
    void ownedOnNodeListsHandlesOfEveryPidOnThatNode() throws Exception {
        DbHandle a1 = openDb("a1", ALICE);
        DbHandle a2 = openDb("a2", ALICE2);
        DbHandle b1 = openDb("b1", BOB);
        assertEquals(Set.of(a1, a2), new HashSet<>(table.ownedOnNode("a@127.0.0.1")));
        assertEquals(List.of(b1), table.ownedOnNode("b@127.0.0.1"));
        assertEquals(List.of(), table.ownedOnNode("c@127.0.0.1"));
        assertTrue(table.close(a2));
        assertEquals(List.of(a1), table.ownedOnNode("a@127.0.0.1"));
    }
}
