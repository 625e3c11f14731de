package io.rocksdbjnode.db;

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
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions on an optimistic transaction DB, through the requests: a conflict is RocksDB's
 * Busy text, a commit or rollback retires the transaction's iterators (RocksDB frees what they
 * read), a plain DB refuses transactions, a release is idempotent.
 */
class TransactionOpsTest {
    private static final OtpErlangPid CALLER = new OtpErlangPid("t@127.0.0.1", 1, 0, 1);
    private static final AtomicInteger REF_IDS = new AtomicInteger(1);
    private static final OtpErlangList NONE = new OtpErlangList();

    @TempDir
    Path tmp;

    private HandleTable table;
    private DbOps dbs;
    private TransactionOps txns;
    private final Routes routes = new Routes();

    @BeforeEach
    void setUp() throws Exception {
        table = new HandleTable(() -> new OtpErlangRef("t@127.0.0.1", new int[] {REF_IDS.getAndIncrement(), 0, 0}, 1));
        dbs = new DbOps(table, new DirectoryClaims(), new PathGuard(List.of()), ThreadBudget.forThisProcess(0));
        txns = new TransactionOps(table, dbs, new PathGuard(List.of()));
    }

    @AfterEach
    void tearDown() {
        table.all().forEach(table::close);
    }

    private static Request req(String name, OtpErlangObject... args) {
        return new Request(CALLER, new OtpErlangAtom("tag"), name, args);
    }

    private static OtpErlangBinary bin(String s) {
        return new OtpErlangBinary(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static OtpErlangObject create() {
        return new OtpErlangList(new OtpErlangObject[] {
            new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("create_if_missing"), new OtpErlangAtom("true")})});
    }

    private OtpErlangObject openTxnDb(String name) throws Exception {
        OtpErlangObject families = new OtpErlangList(new OtpErlangObject[] {
            new OtpErlangTuple(new OtpErlangObject[] {new com.ericsson.otp.erlang.OtpErlangString("default"), NONE})});
        OtpErlangTuple reply = (OtpErlangTuple) txns.open(req("open_optimistic_transaction_db",
                bin(tmp.resolve(name).toString()), create(), families));
        assertEquals(new OtpErlangAtom("ok"), reply.elementAt(0));
        assertEquals(1, ((OtpErlangList) reply.elementAt(2)).arity());
        return reply.elementAt(1);
    }

    private OtpErlangObject begin(OtpErlangObject db) throws Exception {
        return ((OtpErlangTuple) txns.begin(req("transaction", db, NONE))).elementAt(1);
    }

    @Test
    void aConflictIsBusy() throws Exception {
        OtpErlangObject db = openTxnDb("conflict");
        OtpErlangObject t1 = begin(db);
        OtpErlangObject t2 = begin(db);
        assertEquals(new OtpErlangAtom("not_found"), txns.get(req("transaction_get", t1, bin("k"), NONE)));
        txns.put(req("transaction_put", t1, bin("k"), bin("1")));
        txns.put(req("transaction_put", t2, bin("k"), bin("2")));
        assertEquals(new OtpErlangAtom("ok"), txns.commit(req("transaction_commit", t2)));
        RequestException e = assertThrows(RequestException.class, () -> txns.commit(req("transaction_commit", t1)));
        assertTrue(e.reply().toString().startsWith("{error,{error,\"Resource busy"), e.reply().toString());
    }

    @Test
    void anEndedTransactionRetiresItsIterators() throws Exception {
        OtpErlangObject db = openTxnDb("iterators");
        OtpErlangObject t = begin(db);
        txns.put(req("transaction_put", t, bin("a"), bin("1")));
        OtpErlangRef it = (OtpErlangRef) ((OtpErlangTuple) txns.iterator(req("transaction_iterator", t, NONE))).elementAt(1);
        IteratorHandle h = IteratorHandle.of(table, it);
        assertEquals("a", h.use(i -> {
            i.seekToFirst();
            return new String(i.key(), java.nio.charset.StandardCharsets.UTF_8);
        }));
        txns.commit(req("transaction_commit", t));
        // Closed by the commit: a use is closed_handle, never a read of freed memory.
        RequestException e = assertThrows(RequestException.class, () -> h.use(i -> i.isValid()));
        assertTrue(e.reply().toString().contains("closed_handle"), e.reply().toString());
        assertTrue(table.wasClosed(it));
        // The transaction itself lives on; a new iterator sees the DB.
        OtpErlangRef it2 = (OtpErlangRef) ((OtpErlangTuple) txns.iterator(req("transaction_iterator", t, NONE))).elementAt(1);
        assertTrue((boolean) IteratorHandle.of(table, it2).use(i -> {
            i.seekToFirst();
            return i.isValid();
        }));
        txns.rollback(req("transaction_rollback", t));
        assertTrue(table.wasClosed(it2));
    }

    @Test
    void aPlainDbRefusesTransactions() throws Exception {
        OtpErlangObject db = ((OtpErlangTuple) dbs.open(req("open", bin(tmp.resolve("plain").toString()), create()))).elementAt(1);
        RequestException e = assertThrows(RequestException.class, () -> begin(db));
        assertEquals("{error,{badarg,{not_transaction_db," + db + "}}}", e.reply().toString());
    }

    @Test
    void releaseIsIdempotentAndCloseOfTheDbClosesTransactions() throws Exception {
        OtpErlangObject db = openTxnDb("release");
        OtpErlangObject t = begin(db);
        assertEquals(new OtpErlangAtom("ok"), txns.release(req("release_transaction", t)));
        assertEquals(new OtpErlangAtom("ok"), txns.release(req("release_transaction", t)));
        assertThrows(RequestException.class, () -> txns.put(req("transaction_put", t, bin("a"), bin("1"))));
        OtpErlangObject t2 = begin(db);
        dbs.close(req("close", db));
        assertTrue(table.wasClosed(t2));
        assertEquals(new OtpErlangAtom("ok"), txns.release(req("release_transaction", t2)));
    }
}
