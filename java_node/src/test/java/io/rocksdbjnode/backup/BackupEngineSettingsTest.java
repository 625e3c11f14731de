package io.rocksdbjnode.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
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
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.RocksDB;

/** Backup engine option lists mapped onto rocksdbjni BackupEngineOptions, read back through their getters. */
class BackupEngineSettingsTest {
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
        return BackupEngineSettings.apply(dir, BackupEngineSettings.check(opts));
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

    /** RocksDB refills a tenth of the rate per 100 ms: below 10 bytes/s it would spin for ever. */
    @Test
    void rateLimitsRocksDbCannotHonourAreBadarg() throws Exception {
        for (String key : List.of("backup_rate_limit", "restore_rate_limit")) {
            for (long rate : List.of(1L, 5L, 9L)) {
                RequestException e = assertThrows(RequestException.class,
                        () -> BackupEngineSettings.check(opts(kv(key, rate))), key + " " + rate);
                assertEquals("{error,{badarg,{bad_argument," + key + "}}}", e.reply().toString());
            }
        }
        try (BackupEngineOptions o = engineOptions(tmp, opts(kv("backup_rate_limit", 0), kv("restore_rate_limit", 10)))) {
            assertEquals(0, o.backupRateLimit());
            assertEquals(10, o.restoreRateLimit());
        }
    }
    /** A refused option list must not leak the native options object it was filling. */
    /** RocksDB starts a thread count's threads at once: at most MAX_THREADS (256). */
    @Test
    void threadCountsStopAtTheMaximum() throws Exception {
        try (BackupEngineOptions e = engineOptions(tmp, opts(kv("max_background_operations", ThreadBudget.MAX_THREADS)))) {
            assertEquals(256, e.maxBackgroundOperations());
        }
        assertReply(badArgument("max_background_operations"),
                () -> engineOptions(tmp, opts(kv("max_background_operations", 257))));
    }
}
