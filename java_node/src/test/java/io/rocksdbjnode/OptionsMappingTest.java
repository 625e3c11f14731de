package io.rocksdbjnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangDouble;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BackupEngineOptions;
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

    /** Checks the options, then applies them to a directory that exists, as BackupOps does. */
    private static org.rocksdb.BackupEngineOptions engineOptions(java.nio.file.Path dir, List<Option> opts)
            throws RequestException {
        return OptionsMapping.backupEngineOptions(dir, OptionsMapping.backupEngineSettings(opts));
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
                kv("compression", a("snappy")), a("whatever"), t(a("merge_operator"), a("counter_merge_operator"), a("x")),
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

    // ---- backup engine options -------------------------------------------------------------

    @Test
    void backupEngineOptionsPointAtTheDir() throws Exception {
        try (BackupEngineOptions o = engineOptions(tmp, opts())) {
            assertEquals(tmp.toString(), o.backupDir());
        }
    }

    @Test
    void everyBackupEngineBooleanMaps() throws Exception {
        try (BackupEngineOptions on = engineOptions(tmp, opts(
                kv("share_table_files", true), kv("share_files_with_checksum", true), a("sync"),
                kv("destroy_old_data", true), kv("backup_log_files", true)))) {
            assertTrue(on.shareTableFiles());
            assertTrue(on.shareFilesWithChecksum());
            assertTrue(on.sync());
            assertTrue(on.destroyOldData());
            assertTrue(on.backupLogFiles());
        }
        try (BackupEngineOptions off = engineOptions(tmp, opts(
                kv("share_table_files", false), kv("share_files_with_checksum", false), kv("sync", false),
                kv("destroy_old_data", false), kv("backup_log_files", false)))) {
            assertFalse(off.shareTableFiles());
            assertFalse(off.shareFilesWithChecksum());
            assertFalse(off.sync());
            assertFalse(off.destroyOldData());
            assertFalse(off.backupLogFiles());
        }
    }

    @Test
    void backupEngineNumbersMap() throws Exception {
        try (BackupEngineOptions o = engineOptions(tmp, opts(
                kv("backup_rate_limit", 1_000_000), kv("restore_rate_limit", 2_000_000),
                kv("max_background_operations", 4)))) {
            assertEquals(1_000_000, o.backupRateLimit());
            assertEquals(2_000_000, o.restoreRateLimit());
            assertEquals(4, o.maxBackgroundOperations());
        }
        try (BackupEngineOptions zero = engineOptions(tmp, opts(
                kv("backup_rate_limit", 0), kv("restore_rate_limit", 0)))) {
            assertEquals(0, zero.backupRateLimit());
            assertEquals(0, zero.restoreRateLimit());
        }
    }

    @Test
    void unknownBackupEngineOptionIsBadOptionEchoingIt() {
        OtpErlangTuple unknown = kv("frobnicate", 1);
        assertReply(t(a("error"), t(a("bad_option"), unknown)),
                () -> engineOptions(tmp, opts(kv("sync", true), unknown)));
        assertReply(t(a("error"), t(a("bad_option"), a("frobnicate"))),
                () -> engineOptions(tmp, opts(a("frobnicate"))));
        // DB options are not backup engine options.
        OtpErlangTuple dbOpt = kv("create_if_missing", true);
        assertReply(t(a("error"), t(a("bad_option"), dbOpt)),
                () -> engineOptions(tmp, opts(dbOpt)));
    }

    @Test
    void badBackupEngineValuesAreBadarg() {
        assertReply(badArgument("backup_rate_limit"),
                () -> engineOptions(tmp, opts(kv("backup_rate_limit", -1))));
        assertReply(badArgument("restore_rate_limit"),
                () -> engineOptions(tmp, opts(kv("restore_rate_limit", -100))));
        assertReply(badArgument("backup_rate_limit"),
                () -> engineOptions(tmp, opts(kv("backup_rate_limit", a("fast")))));
        assertReply(badArgument("max_background_operations"),
                () -> engineOptions(tmp, opts(kv("max_background_operations", 0))));
        assertReply(badArgument("max_background_operations"),
                () -> engineOptions(tmp, opts(kv("max_background_operations", -1))));
        assertReply(badArgument("share_table_files"),
                () -> engineOptions(tmp, opts(kv("share_table_files", 1))));
        assertReply(badArgument("sync"),
                () -> engineOptions(tmp, opts(kv("sync", new OtpErlangBinary(new byte[0])))));
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

    /** RocksDB refills a tenth of the rate per 100 ms: below 10 bytes/s it would spin for ever. */
    @Test
    void rateLimitsRocksDbCannotHonourAreBadarg() throws Exception {
        for (String key : List.of("backup_rate_limit", "restore_rate_limit")) {
            for (long rate : List.of(1L, 5L, 9L)) {
                RequestException e = assertThrows(RequestException.class,
                        () -> OptionsMapping.backupEngineSettings(opts(kv(key, rate))), key + " " + rate);
                assertEquals("{error,{badarg,{bad_argument," + key + "}}}", e.reply().toString());
            }
        }
        try (BackupEngineOptions o = engineOptions(tmp, opts(kv("backup_rate_limit", 0), kv("restore_rate_limit", 10)))) {
            assertEquals(0, o.backupRateLimit());
            assertEquals(10, o.restoreRateLimit());
        }
    }
    /** A refused option list must not leak the native options object it was filling. */
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
        try (Options o = OptionsMapping.dbOptions(opts(kv("max_background_jobs", OptionsMapping.MAX_THREADS))).options();
                BackupEngineOptions e = engineOptions(tmp, opts(kv("max_background_operations", OptionsMapping.MAX_THREADS)))) {
            assertEquals(256, o.maxBackgroundJobs());
            assertEquals(256, e.maxBackgroundOperations());
        }
        assertReply(badArgument("max_background_jobs"),
                () -> OptionsMapping.dbOptions(opts(kv("max_background_jobs", 257))).options());
        assertReply(badArgument("max_background_operations"),
                () -> engineOptions(tmp, opts(kv("max_background_operations", 257))));
    }
}
