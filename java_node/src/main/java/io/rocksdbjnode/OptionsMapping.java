package io.rocksdbjnode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.WriteOptions;

/**
 * Maps erlang-rocksdb's option lists onto rocksdbjni's option objects. DB, read and write options
 * follow the NIF: known options are type-checked ({@code badarg} on a wrong type), others are
 * ignored. Backup engine options are a closed set: anything else is {@code {error, {bad_option, Opt}}}.
 */
final class OptionsMapping {
    private OptionsMapping() {}

    /** Open options: the RocksDB options and whether to open read-only. */
    record DbOpen(Options options, boolean readOnly) {}

    static DbOpen dbOptions(List<Option> opts) throws RequestException {
        return dbOptions(opts, new Options());
    }

    /** Sets {@code opts} on {@code o}, closing it when they are refused. */
    static DbOpen dbOptions(List<Option> opts, Options o) throws RequestException {
        boolean readOnly = false;
        try {
            for (Option opt : opts) {
                switch (opt.key()) {
                    case "create_if_missing" -> o.setCreateIfMissing(opt.bool());
                    case "error_if_exists" -> o.setErrorIfExists(opt.bool());
                    case "paranoid_checks" -> o.setParanoidChecks(opt.bool());
                    case "read_only" -> readOnly = opt.bool();
                    case "max_open_files" -> o.setMaxOpenFiles(intOf(opt, UNLIMITED));
                    case "write_buffer_size" -> o.setWriteBufferSize(longOf(opt));
                    case "max_write_buffer_number" -> o.setMaxWriteBufferNumber(intOf(opt, 1));
                    case "target_file_size_base" -> o.setTargetFileSizeBase(longOf(opt));
                    case "max_background_jobs" -> o.setMaxBackgroundJobs(threadsOf(opt));
                    default -> { } // as the NIF: options it does not know are ignored
                }
            }
            return new DbOpen(o, readOnly);
        } catch (RequestException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /**
     * Checks backup engine options and returns them as settings to apply, without touching the
     * file system: a refused request must leave nothing behind, and {@link BackupEngineOptions}
     * can only be made once the directory exists.
     */
    static List<Consumer<BackupEngineOptions>> backupEngineSettings(List<Option> opts) throws RequestException {
        List<Consumer<BackupEngineOptions>> settings = new ArrayList<>();
        for (Option opt : opts) {
            settings.add(switch (opt.key()) {
                case "share_table_files" -> boolSetting(opt, BackupEngineOptions::setShareTableFiles);
                case "share_files_with_checksum" -> boolSetting(opt, BackupEngineOptions::setShareFilesWithChecksum);
                case "sync" -> boolSetting(opt, BackupEngineOptions::setSync);
                case "destroy_old_data" -> boolSetting(opt, BackupEngineOptions::setDestroyOldData);
                case "backup_log_files" -> boolSetting(opt, BackupEngineOptions::setBackupLogFiles);
                case "backup_rate_limit" -> {
                    long v = rateOf(opt);
                    yield o -> o.setBackupRateLimit(v);
                }
                case "restore_rate_limit" -> {
                    long v = rateOf(opt);
                    yield o -> o.setRestoreRateLimit(v);
                }
                case "max_background_operations" -> {
                    int v = threadsOf(opt);
                    yield o -> o.setMaxBackgroundOperations(v);
                }
                default -> throw RequestException.error(Terms.tuple(Terms.atom("bad_option"), opt.raw()));
            });
        }
        return settings;
    }

    /** The engine options for an existing directory, with checked settings applied. */
    static BackupEngineOptions backupEngineOptions(Path dir, List<Consumer<BackupEngineOptions>> settings) {
        BackupEngineOptions o = new BackupEngineOptions(dir.toString());
        settings.forEach(s -> s.accept(o));
        return o;
    }

    private static Consumer<BackupEngineOptions> boolSetting(Option opt,
            BiConsumer<BackupEngineOptions, Boolean> setter) throws RequestException {
        boolean v = opt.bool();
        return o -> setter.accept(o, v);
    }

    /** Write options; the caller closes them. */
    static WriteOptions writeOptions(List<Option> opts) throws RequestException {
        return writeOptions(opts, new WriteOptions());
    }

    /** Sets {@code opts} on {@code w}, closing it when they are refused. */
    static WriteOptions writeOptions(List<Option> opts, WriteOptions w) throws RequestException {
        try {
            for (Option opt : opts) {
                switch (opt.key()) {
                    case "sync" -> w.setSync(opt.bool());
                    case "disable_wal" -> w.setDisableWAL(opt.bool());
                    default -> { }
                }
            }
            return w;
        } catch (RequestException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** Read options; the caller closes them. */
    static ReadOptions readOptions(List<Option> opts) throws RequestException {
        return readOptions(opts, new ReadOptions());
    }

    /** Sets {@code opts} on {@code r}, closing it when they are refused. */
    static ReadOptions readOptions(List<Option> opts, ReadOptions r) throws RequestException {
        try {
            for (Option opt : opts) {
                switch (opt.key()) {
                    case "verify_checksums" -> r.setVerifyChecksums(opt.bool());
                    case "fill_cache" -> r.setFillCache(opt.bool());
                    default -> { }
                }
            }
            return r;
        } catch (RequestException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /**
     * Most threads an option may ask RocksDB for. RocksDB starts them at once and aborts the
     * process when it cannot (a request for 100,000 did): a thread count is checked here.
     */
    static final int MAX_THREADS = 256;

    private static int threadsOf(Option opt) throws RequestException {
        int v = intOf(opt, 1);
        if (v > MAX_THREADS) {
            throw RequestException.badArgument(opt.key());
        }
        return v;
    }

    /**
     * Slowest rate RocksDB's limiter can honour: it refills a tenth of the rate every 100 ms, so
     * below 10 bytes/s a refill is 0 bytes and a backup spins for ever, deaf to stop_backup.
     */
    static final long MIN_RATE = 10;

    /** A rate limit in bytes/s: 0 (no limit) or at least {@link #MIN_RATE}. */
    private static long rateOf(Option opt) throws RequestException {
        long v = longOf(opt);
        if (v != 0 && v < MIN_RATE) {
            throw RequestException.badArgument(opt.key());
        }
        return v;
    }

    private static long longOf(Option opt) throws RequestException {
        opt.expectArity(1);
        return Terms.nonNegativeLong(opt.value(), opt.key());
    }

    /** RocksDB's "no limit" for a count, accepted where it is the minimum given to intOf. */
    private static final int UNLIMITED = -1;

    private static int intOf(Option opt, int min) throws RequestException {
        opt.expectArity(1);
        if (min == UNLIMITED && opt.value() instanceof com.ericsson.otp.erlang.OtpErlangLong l && l.isLong() && l.longValue() == UNLIMITED) {
            return UNLIMITED;
        }
        int v = Terms.nonNegativeInt(opt.value(), opt.key());
        if (v < min) {
            throw RequestException.badArgument(opt.key());
        }
        return v;
    }
}
