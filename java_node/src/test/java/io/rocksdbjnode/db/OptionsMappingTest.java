package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangDouble;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/** erlang-rocksdb option lists mapped onto rocksdbjni option objects, read back through their getters. */
class OptionsMappingTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        RocksDB.loadLibrary();
    }

    private static OtpErlangAtom a(String s) {
        return new OtpErlangAtom(s);
    }

    private static OtpErlangTuple t(OtpErlangObject... es) {
        return new OtpErlangTuple(es);
    }

    private static OtpErlangTuple kv(String key, OtpErlangObject value) {
        return t(a(key), value);
    }

    private static OtpErlangTuple kv(String key, long value) {
        return t(a(key), new OtpErlangLong(value));
    }

    private static OtpErlangTuple kv(String key, boolean value) {
        return t(a(key), a(String.valueOf(value)));
    }

    private static List<Option> opts(OtpErlangObject... es) throws RequestException {
        return Option.parse(new OtpErlangList(es), "options");
    }

    private static OtpErlangObject badArgument(String name) {
        return t(a("error"), t(a("badarg"), t(a("bad_argument"), a(name))));
    }

    private interface Mapping {
        AutoCloseable run() throws Exception;
    }

    /** The mapping fails with exactly this reply. */
    private static void assertReply(OtpErlangObject expected, Mapping m) {
        RequestException e = assertThrows(RequestException.class, () -> {
            try (AutoCloseable unexpected = m.run()) {
                // mapped although it should not have been
            }
        });
        assertEquals(expected, e.reply());
    }

    private static OtpErlangLong u64max() {
        return new OtpErlangLong(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
    }

    // ---- DB options ----------------------------------------------------------------------

    @Test
    void emptyDbOptionsAreRocksDbDefaults() throws Exception {
        OptionsMapping.DbOpen open = OptionsMapping.dbOptions(opts());
        try (Options o = open.options(); Options defaults = new Options()) {
            assertFalse(open.readOnly());
            assertEquals(defaults.createIfMissing(), o.createIfMissing());
            assertEquals(defaults.maxOpenFiles(), o.maxOpenFiles());
            assertEquals(defaults.writeBufferSize(), o.writeBufferSize());
        }
    }

    @Test
    void booleanDbOptionsAreSet() throws Exception {
        OptionsMapping.DbOpen open = OptionsMapping.dbOptions(opts(
                a("create_if_missing"), kv("error_if_exists", true), kv("paranoid_checks", false)));
        try (Options o = open.options()) {
            assertTrue(o.createIfMissing());
            assertTrue(o.errorIfExists());
            assertFalse(o.paranoidChecks());
        }
        OptionsMapping.DbOpen off = OptionsMapping.dbOptions(opts(
                kv("create_if_missing", false), kv("error_if_exists", false), kv("paranoid_checks", true)));
        try (Options o = off.options()) {
            assertFalse(o.createIfMissing());
            assertFalse(o.errorIfExists());
            assertTrue(o.paranoidChecks());
        }
    }

    @Test
    void integerDbOptionsAreSet() throws Exception {
        OptionsMapping.DbOpen open = OptionsMapping.dbOptions(opts(
                kv("max_open_files", 123), kv("write_buffer_size", 8L << 20), kv("max_write_buffer_number", 3),
                kv("target_file_size_base", 16L << 20), kv("max_background_jobs", 5)));
        try (Options o = open.options()) {
            assertEquals(123, o.maxOpenFiles());
            assertEquals(8L << 20, o.writeBufferSize());
            assertEquals(3, o.maxWriteBufferNumber());
            assertEquals(16L << 20, o.targetFileSizeBase());
            assertEquals(5, o.maxBackgroundJobs());
        }
    }

    @Test
    void maxOpenFilesMinusOneMeansUnlimited() throws Exception {
        try (Options o = OptionsMapping.dbOptions(opts(kv("max_open_files", -1))).options()) {
            assertEquals(-1, o.maxOpenFiles());
        }
        assertReply(badArgument("max_open_files"),
                () -> OptionsMapping.dbOptions(opts(kv("max_open_files", -2))).options());
    }

    /**
     * A bignum is not an int: 2^64-1 must be refused like any other out-of-range value, not read
     * as its low 64 bits (which are -1, "unlimited").
     */
    @Test
    void maxOpenFilesBignumIsBadarg() {
        assertReply(badArgument("max_open_files"),
                () -> OptionsMapping.dbOptions(opts(kv("max_open_files", u64max()))).options());
        assertReply(badArgument("max_open_files"),
                () -> OptionsMapping.dbOptions(opts(kv("max_open_files", 1L << 31))).options());
    }

    @Test
    void dbOptionOfWrongTypeIsBadarg() {
        assertReply(badArgument("create_if_missing"),
                () -> OptionsMapping.dbOptions(opts(kv("create_if_missing", 1))).options());
        assertReply(badArgument("error_if_exists"),
                () -> OptionsMapping.dbOptions(opts(kv("error_if_exists", a("yes")))).options());
        assertReply(badArgument("paranoid_checks"),
                () -> OptionsMapping.dbOptions(opts(t(a("paranoid_checks"), a("true"), a("true")))).options());
        assertReply(badArgument("write_buffer_size"),
                () -> OptionsMapping.dbOptions(opts(kv("write_buffer_size", -1))).options());
        assertReply(badArgument("write_buffer_size"),
                () -> OptionsMapping.dbOptions(opts(kv("write_buffer_size", new OtpErlangDouble(1.5)))).options());
        assertReply(badArgument("max_write_buffer_number"),
                () -> OptionsMapping.dbOptions(opts(kv("max_write_buffer_number", 0))).options());
        assertReply(badArgument("max_background_jobs"),
                () -> OptionsMapping.dbOptions(opts(kv("max_background_jobs", a("many")))).options());
        assertReply(badArgument("target_file_size_base"),
                () -> OptionsMapping.dbOptions(opts(kv("target_file_size_base", u64max()))).options());
        assertReply(badArgument("read_only"),
                () -> OptionsMapping.dbOptions(opts(kv("read_only", 1))).options());
    }

    @Test
    void unknownDbOptionsAreIgnored() throws Exception {
        OptionsMapping.DbOpen open = OptionsMapping.dbOptions(opts(
                kv("prefix_transform", a("snappy")), a("whatever"), t(a("no_such_option"), a("counter_merge_operator"), a("x")),
                kv("create_if_missing", true)));
        try (Options o = open.options()) {
            assertTrue(o.createIfMissing());
            assertFalse(open.readOnly());
        }
    }

    @Test
    void readOnlyIsReported() throws Exception {
        OptionsMapping.DbOpen ro = OptionsMapping.dbOptions(opts(kv("read_only", true)));
        try (Options o = ro.options()) {
            assertTrue(ro.readOnly());
        }
        OptionsMapping.DbOpen bare = OptionsMapping.dbOptions(opts(a("read_only")));
        try (Options o = bare.options()) {
            assertTrue(bare.readOnly());
        }
        OptionsMapping.DbOpen rw = OptionsMapping.dbOptions(opts(kv("read_only", false)));
        try (Options o = rw.options()) {
            assertFalse(rw.readOnly());
        }
    }

    // ---- write and read options ------------------------------------------------------------

    @Test
    void writeOptionsMap() throws Exception {
        try (WriteOptions w = OptionsMapping.writeOptions(opts(kv("sync", true), kv("disable_wal", true)))) {
            assertTrue(w.sync());
            assertTrue(w.disableWAL());
        }
        try (WriteOptions w = OptionsMapping.writeOptions(opts(a("sync"), kv("disable_wal", false)))) {
            assertTrue(w.sync());
            assertFalse(w.disableWAL());
        }
        try (WriteOptions w = OptionsMapping.writeOptions(opts())) {
            assertFalse(w.sync());
            assertFalse(w.disableWAL());
        }
    }

    @Test
    void unknownWriteOptionsAreIgnoredAndWrongTypesAreBadarg() throws Exception {
        try (WriteOptions w = OptionsMapping.writeOptions(opts(kv("low_pri", true), a("no_slowdown"), kv("sync", true)))) {
            assertTrue(w.sync());
        }
        assertReply(badArgument("sync"), () -> OptionsMapping.writeOptions(opts(kv("sync", 1))));
        assertReply(badArgument("disable_wal"), () -> OptionsMapping.writeOptions(opts(kv("disable_wal", a("no")))));
    }

    @Test
    void readOptionsMap() throws Exception {
        try (ReadOptions r = OptionsMapping.readOptions(opts(kv("verify_checksums", false), kv("fill_cache", false)))) {
            assertFalse(r.verifyChecksums());
            assertFalse(r.fillCache());
        }
        try (ReadOptions r = OptionsMapping.readOptions(opts(kv("verify_checksums", true), a("fill_cache")))) {
            assertTrue(r.verifyChecksums());
            assertTrue(r.fillCache());
        }
    }

    @Test
    void unknownReadOptionsAreIgnoredAndWrongTypesAreBadarg() throws Exception {
        try (ReadOptions r = OptionsMapping.readOptions(opts(kv("snapshot", a("x")), kv("fill_cache", false)))) {
            assertFalse(r.fillCache());
        }
        assertReply(badArgument("fill_cache"), () -> OptionsMapping.readOptions(opts(kv("fill_cache", 0))));
        assertReply(badArgument("verify_checksums"),
                () -> OptionsMapping.readOptions(opts(kv("verify_checksums", a("maybe")))));
    }

    @Test
    void refusedOptionsCloseTheNativeObject() throws Exception {
        Options o = new Options();
        assertThrows(RequestException.class, () -> OptionsMapping.dbOptions(opts(kv("create_if_missing", 1)), o));
        assertFalse(o.isOwningHandle(), "Options left open");
        WriteOptions w = new WriteOptions();
        assertThrows(RequestException.class, () -> OptionsMapping.writeOptions(opts(kv("sync", 1)), w));
        assertFalse(w.isOwningHandle(), "WriteOptions left open");
        ReadOptions r = new ReadOptions();
        assertThrows(RequestException.class, () -> OptionsMapping.readOptions(opts(kv("fill_cache", 1)), r));
        assertFalse(r.isOwningHandle(), "ReadOptions left open");
    }

    @Test
    void numericOptionsTakeExactlyOneValue() {
        assertReply(badArgument("write_buffer_size"),
                () -> OptionsMapping.dbOptions(opts(t(a("write_buffer_size"), new OtpErlangLong(1), new OtpErlangLong(2)))).options());
        assertReply(badArgument("max_open_files"),
                () -> OptionsMapping.dbOptions(opts(t(a("max_open_files"), new OtpErlangLong(1), new OtpErlangLong(2)))).options());
    }

    /** Only max_open_files reads -1 as "no limit"; a count whose minimum is 1 takes 1 and refuses -1. */
    @Test
    void countsTakeTheirMinimumAndOnlyMaxOpenFilesTakesMinusOne() throws Exception {
        try (Options o = OptionsMapping.dbOptions(opts(kv("max_write_buffer_number", 1), kv("max_background_jobs", 1))).options()) {
            assertEquals(1, o.maxWriteBufferNumber());
            assertEquals(1, o.maxBackgroundJobs());
        }
        assertReply(badArgument("max_write_buffer_number"),
                () -> OptionsMapping.dbOptions(opts(kv("max_write_buffer_number", -1))).options());
        try (Options o = OptionsMapping.dbOptions(opts(kv("max_open_files", 0))).options()) {
            assertEquals(0, o.maxOpenFiles());
        }
    }

    /** RocksDB starts a thread count's threads at once: at most MAX_THREADS (256). */
    @Test
    void threadCountsStopAtTheMaximum() throws Exception {
        try (Options o = OptionsMapping.dbOptions(opts(kv("max_background_jobs", ThreadBudget.MAX_THREADS))).options()) {
            assertEquals(256, o.maxBackgroundJobs());
        }
        assertReply(badArgument("max_background_jobs"),
                () -> OptionsMapping.dbOptions(opts(kv("max_background_jobs", 257))).options());
    }
}
