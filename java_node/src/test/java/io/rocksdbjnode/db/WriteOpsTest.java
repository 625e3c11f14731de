package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** The op lists of {@code write/3} and {@code batch_data_size}: decoding, refusals, sizes, atomicity. */
class WriteOpsTest {
    private static final OtpErlangPid ME = new OtpErlangPid("t@127.0.0.1", 1, 0, 1);
    private static final AtomicInteger REF_IDS = new AtomicInteger(1);

    @TempDir
    Path tmp;

    private HandleTable table;
    private PathGuard guard;
    private DbOps dbOps;
    private WriteOps writeOps;
    private OtpErlangObject db;
    private OtpErlangObject other;
    private OtpErlangObject otherDb;

    @BeforeEach
    void open() throws Exception {
        RocksDB.loadLibrary();
        table = new HandleTable(() -> new OtpErlangRef("t@127.0.0.1", new int[] {REF_IDS.getAndIncrement(), 0, 0}, 1));
        guard = new PathGuard(List.of());
        dbOps = new DbOps(table, new DirectoryClaims(), guard, ThreadBudget.forThisProcess(0));
        writeOps = new WriteOps(table);
        OtpErlangTuple opened = openWithFamilies("db");
        db = opened.elementAt(1);
        other = ((OtpErlangList) opened.elementAt(2)).elementAt(1);
        otherDb = openWithFamilies("db2").elementAt(1);
    }

    @AfterEach
    void close() {
        table.all().forEach(table::close);
    }

    /** A new DB with the families "default" and "other", opened with descriptors. */
    private OtpErlangTuple openWithFamilies(String name) throws RequestException {
        OtpErlangObject path = Terms.charlist(tmp.resolve(name).toString());
        OtpErlangObject opts = Terms.list(List.of(Terms.tuple(Terms.atom("create_if_missing"), Terms.TRUE)));
        OtpErlangObject created = ((OtpErlangTuple) dbOps.open(request("open", path, opts))).elementAt(1);
        new ColumnFamilyOps(table, guard).create(request("create_column_family", created, Terms.charlist("other"),
                Terms.list(List.of())));
        table.close(DbHandle.of(table, created));
        OtpErlangObject descriptors = Terms.list(List.of(
                Terms.tuple(Terms.charlist("default"), Terms.list(List.of())),
                Terms.tuple(Terms.charlist("other"), Terms.list(List.of()))));
        return (OtpErlangTuple) dbOps.openWithFamilies(request("open", path, Terms.list(List.of()), descriptors));
    }

    private static Request request(String name, OtpErlangObject... args) {
        return new Request(ME, Terms.atom("tag"), name, args);
    }

    private static OtpErlangObject bin(String s) {
        return Terms.binary(s.getBytes(StandardCharsets.UTF_8));
    }

    private static OtpErlangObject ops(OtpErlangObject... ops) {
        return Terms.list(List.of(ops));
    }

    private static OtpErlangObject op(String name, OtpErlangObject... args) {
        OtpErlangObject[] es = new OtpErlangObject[args.length + 1];
        es[0] = Terms.atom(name);
        System.arraycopy(args, 0, es, 1, args.length);
        return Terms.tuple(es);
    }

    private OtpErlangObject write(OtpErlangObject ops) throws RequestException {
        return writeOps.writeOps(request("write", db, ops, Terms.list(List.of())));
    }

    private byte[] get(boolean inOther, String key) throws Exception {
        DbHandle h = DbHandle.of(table, db);
        CfHandle cf = CfHandle.of(table, other);
        return h.leased(d -> inOther ? d.db().get(cf.columnFamily(), key.getBytes(StandardCharsets.UTF_8))
                : d.db().get(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static String badarg(RequestException e) {
        return ((OtpErlangTuple) ((OtpErlangTuple) e.reply()).elementAt(1)).elementAt(1).toString();
    }

    @Test
    void everyOperationShapeIsDecodedAndWrittenInOrder() throws Exception {
        assertEquals(Terms.OK, write(ops(
                op("put", bin("a"), bin("1")),
                op("put", other, bin("a"), bin("2")),
                op("put", bin("b"), bin("x")),
                op("delete", bin("b")),
                op("put", other, bin("b"), bin("y")),
                op("delete", other, bin("b")),
                op("put", bin("c"), bin("x")),
                op("single_delete", bin("c")),
                op("put", other, bin("c"), bin("y")),
                op("single_delete", other, bin("c")),
                op("put", bin("d1"), bin("x")),
                op("put", bin("d2"), bin("x")),
                op("delete_range", bin("d"), bin("d2")),
                op("put", other, bin("e1"), bin("x")),
                op("delete_range", other, bin("e"), bin("f")))));
        assertArrayEquals(bytes("1"), get(false, "a"));
        assertArrayEquals(bytes("2"), get(true, "a"));
        assertNull(get(false, "b"));
        assertNull(get(true, "b"));
        assertNull(get(false, "c"));
        assertNull(get(true, "c"));
        assertNull(get(false, "d1"));
        assertArrayEquals(bytes("x"), get(false, "d2"));
        assertNull(get(true, "e1"));
    }

    @Test
    void aBadOperationAnywhereWritesNothing() throws Exception {
        List<OtpErlangObject> bad = List.of(
                op("put", bin("k")),
                op("put", bin("k"), new OtpErlangLong(1)),
                op("put", other, bin("k"), bin("v"), bin("extra")),
                op("clear"),
                op("erase", bin("k")),
                Terms.atom("clear"),
                Terms.tuple());
        for (OtpErlangObject b : bad) {
            RequestException e = assertThrows(RequestException.class,
                    () -> write(ops(op("put", bin("z"), bin("1")), b)), b.toString());
            assertEquals("{bad_argument,operations}", badarg(e), b.toString());
        }
        assertThrows(RequestException.class, () -> write(Terms.atom("not_a_list")));
        RequestException e = assertThrows(RequestException.class,
                () -> write(ops(op("put", bin("z"), bin("1")), op("delete", Terms.atom("not_a_handle"), bin("k")))));
        assertEquals("{bad_argument,column_family}", badarg(e));
        assertNull(get(false, "z"));
    }

    @Test
    void aFamilyOfAnotherDbIsRefused() throws Exception {
        OtpErlangObject foreign = ((OtpErlangList) openWithFamiliesAgain().elementAt(2)).elementAt(1);
        RequestException e = assertThrows(RequestException.class,
                () -> write(ops(op("put", bin("z"), bin("1")), op("put", foreign, bin("z"), bin("2")))));
        assertEquals("{column_family_of_other_db," + foreign + "}", badarg(e));
        assertNull(get(false, "z"));
    }

    private OtpErlangTuple openWithFamiliesAgain() throws RequestException {
        return openWithFamilies("db3");
    }

    @Test
    void aDestroyedFamilyIsClosedHandle() throws Exception {
        table.close(CfHandle.of(table, other));
        RequestException e = assertThrows(RequestException.class,
                () -> write(ops(op("put", other, bin("z"), bin("2")))));
        assertEquals("{closed_handle," + other + "}", badarg(e));
    }

    @Test
    void theFamiliesAreLeasedOnlyForTheWrite() throws Exception {
        write(ops(op("put", other, bin("a"), bin("1")), op("put", other, bin("b"), bin("1"))));
        // A lease left behind would make this close wait for ever.
        assertEquals(true, table.close(CfHandle.of(table, other)));
    }

    @Test
    void dataSizeIsRocksDbsOwn() throws Exception {
        CfHandle cf = CfHandle.of(table, other);
        long expected;
        try (WriteBatch b = new WriteBatch()) {
            b.put(bytes("a"), bytes("v1"));
            b.put(cf.columnFamily(), bytes("b"), bytes("v2"));
            b.delete(bytes("a"));
            b.merge(cf.columnFamily(), bytes("m"), bytes("x"));
            b.deleteRange(bytes("a"), bytes("b"));
            b.singleDelete(cf.columnFamily(), bytes("s"));
            expected = b.getDataSize();
        }
        OtpErlangObject size = writeOps.batchDataSize(request("batch_data_size", ops(
                op("put", bin("a"), bin("v1")),
                op("put", other, bin("b"), bin("v2")),
                op("delete", bin("a")),
                op("merge", other, bin("m"), bin("x")),
                op("delete_range", bin("a"), bin("b")),
                op("single_delete", other, bin("s")))));
        assertEquals(Terms.integer(expected), size);
        // Families of any DB count by their ids; the empty batch is the 12-byte header.
        OtpErlangObject foreign = ((OtpErlangList) openWithFamiliesAgain().elementAt(2)).elementAt(1);
        assertEquals(Terms.integer(expected), writeOps.batchDataSize(request("batch_data_size", ops(
                op("put", bin("a"), bin("v1")),
                op("put", foreign, bin("b"), bin("v2")),
                op("delete", bin("a")),
                op("merge", foreign, bin("m"), bin("x")),
                op("delete_range", bin("a"), bin("b")),
                op("single_delete", foreign, bin("s"))))));
        assertEquals(Terms.integer(12), writeOps.batchDataSize(request("batch_data_size", ops())));
    }

    /** The text the client gives for a rollback without a savepoint (rocksdb_jnode_batch) is RocksDB's. */
    @Test
    void rollbackWithoutSavepointIsNotFound() {
        try (WriteBatch b = new WriteBatch()) {
            RocksDBException e = assertThrows(RocksDBException.class, b::rollbackToSavePoint);
            assertEquals("NotFound: ", Statuses.text(e));
        }
    }

    @Test
    void anEmptyListWritesNothingAndAFamilyMustBeOfTheWritesDb() throws Exception {
        assertEquals(Terms.OK, writeOps.writeOps(request("write", db, ops(), Terms.list(List.of()))));
        RequestException e = assertThrows(RequestException.class,
                () -> writeOps.writeOps(request("write", otherDb, ops(op("put", other, bin("k"), bin("v"))),
                        Terms.list(List.of()))));
        assertEquals("{column_family_of_other_db," + other + "}", badarg(e));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
