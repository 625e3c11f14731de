package io.rocksdbjnode.db;

import static io.rocksdbjnode.db.OptionsTableTest.a;
import static io.rocksdbjnode.db.OptionsTableTest.n;
import static io.rocksdbjnode.db.OptionsTableTest.opts;
import static io.rocksdbjnode.db.OptionsTableTest.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangString;
import io.rocksdbjnode.wire.RequestException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * The merge operators the option table offers, merged through RocksDB with the options it builds
 * (the operator object is closed as soon as it is set: the options keep their own reference),
 * and the NIF's operators refused without leaking the options.
 */
class MergeOperatorOptionsTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        RocksDB.loadLibrary();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] s(String v) {
        return v.getBytes(StandardCharsets.ISO_8859_1);
    }

    private RocksDB open(String name, OtpErlangObject mergeOperator) throws Exception {
        Options o = OptionsMapping.dbOptions(opts(a("create_if_missing"), t(a("merge_operator"), mergeOperator))).options();
        System.gc(); // nothing the options need may be left to the Java heap
        return RocksDB.open(o, tmp.resolve(name).toString());
    }

    @Test
    void uint64addSumsLittleEndianCounters() throws Exception {
        try (RocksDB db = open("u64", a("uint64add"))) {
            db.merge(s("c"), u64(1));
            db.merge(s("c"), u64(2));
            db.merge(s("c"), u64(-1));
            assertArrayEquals(u64(2), db.get(s("c")));
            db.put(s("c"), u64(0));
            db.merge(s("c"), u64(5));
            assertArrayEquals(u64(5), db.get(s("c")));
        }
    }

    @Test
    void stringAppendJoinsWithItsDelimiter() throws Exception {
        List<OtpErlangObject> delimiters = List.of(new OtpErlangBinary(s(",")), new OtpErlangString(","), n(','));
        for (int i = 0; i < delimiters.size(); i++) {
            try (RocksDB db = open("sa" + i, t(a("string_append"), delimiters.get(i)))) {
                db.merge(s("k"), s("a"));
                db.merge(s("k"), s("b"));
                db.merge(s("k"), s("c"));
                assertEquals("a,b,c", new String(db.get(s("k")), StandardCharsets.ISO_8859_1));
            }
        }
        try (RocksDB db = open("sa_ff", t(a("string_append"), new OtpErlangBinary(new byte[] {(byte) 0xff})))) {
            db.merge(s("k"), s("a"));
            db.merge(s("k"), s("b"));
            assertArrayEquals(new byte[] {'a', (byte) 0xff, 'b'}, db.get(s("k")));
        }
        for (OtpErlangObject bad : List.of(new OtpErlangBinary(s(",,")), new OtpErlangBinary(new byte[0]), n(256),
                new OtpErlangString("ab"), a("comma"))) {
            assertEquals(OptionsTableTest.badArgument("merge_operator"), assertThrows(RequestException.class,
                    () -> OptionsMapping.dbOptions(opts(t(a("merge_operator"), t(a("string_append"), bad))))).reply());
        }
    }

    @Test
    void maxKeepsTheLargestOperand() throws Exception {
        try (RocksDB db = open("max", a("max"))) {
            db.merge(s("m"), s("3"));
            db.merge(s("m"), s("9"));
            db.merge(s("m"), s("5"));
            assertEquals("9", new String(db.get(s("m")), StandardCharsets.ISO_8859_1));
        }
    }

    /** A column family's options carry the operator too (open/3 descriptors, create_column_family). */
    @Test
    void columnFamilyOptionsCarryTheOperator() throws Exception {
        try (ColumnFamilyOptions cf = OptionsMapping.columnFamilyOptions(opts(t(a("merge_operator"), a("uint64add"))));
                Options o = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(o, tmp.resolve("cf").toString())) {
            ColumnFamilyHandle h = db.createColumnFamily(new ColumnFamilyDescriptor(s("counters"), cf));
            try (h) {
                db.merge(h, s("c"), u64(40));
                db.merge(h, s("c"), u64(2));
                assertArrayEquals(u64(42), db.get(h, s("c")));
            }
        }
    }

    @Test
    void theNifsOperatorsAreRefusedAndTheOptionsClosed() throws Exception {
        OtpErlangObject refused = t(a("error"), t(a("badarg"), t(a("unsupported_option"), a("merge_operator"))));
        for (OtpErlangObject op : List.of(a("erlang_merge_operator"), a("bitset_merge_operator"),
                t(a("bitset_merge_operator"), n(1024)), a("counter_merge_operator"))) {
            Options o = new Options();
            RequestException e = assertThrows(RequestException.class,
                    () -> OptionsMapping.dbOptions(opts(a("create_if_missing"), t(a("merge_operator"), op)), o));
            assertEquals(refused, e.reply(), op.toString());
            assertFalse(o.isOwningHandle());
            assertEquals(refused, assertThrows(RequestException.class,
                    () -> OptionsMapping.columnFamilyOptions(opts(t(a("merge_operator"), op)))).reply());
        }
        assertEquals(OptionsTableTest.badArgument("merge_operator"), assertThrows(RequestException.class,
                () -> OptionsMapping.dbOptions(opts(t(a("merge_operator"), a("sum"))))).reply());
    }
}
