package io.rocksdbjnode.backup;

import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rocksdb.BackupEngineOptions;

/**
 * Maps erlang-rocksdb's backup engine options onto rocksdbjni's {@link BackupEngineOptions}. They
 * are a closed set: anything else is {@code {error, {bad_option, Opt}}}.
 */
final class BackupEngineSettings {
    private BackupEngineSettings() {}

    /**
     * Checks backup engine options and returns them as settings to apply, without touching the
     * file system: a refused request must leave nothing behind, and {@link BackupEngineOptions}
     * can only be made once the directory exists.
     */
    static List<Consumer<BackupEngineOptions>> check(List<Option> opts) throws RequestException {
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
                    int v = ThreadBudget.threadCount(opt);
                    yield o -> o.setMaxBackgroundOperations(v);
                }
                default -> throw RequestException.badOption(opt.raw());
            });
        }
        return settings;
    }

    /** The engine options for an existing directory, with checked settings applied. */
    static BackupEngineOptions apply(Path dir, List<Consumer<BackupEngineOptions>> settings) {
        BackupEngineOptions o = new BackupEngineOptions(dir.toString());
        settings.forEach(s -> s.accept(o));
        return o;
    }

    private static Consumer<BackupEngineOptions> boolSetting(Option opt,
            BiConsumer<BackupEngineOptions, Boolean> setter) throws RequestException {
        boolean v = opt.bool();
        return o -> setter.accept(o, v);
    }

    /**
     * Slowest rate RocksDB's limiter can honour: it refills a tenth of the rate every 100 ms, so
     * below 10 bytes/s a refill is 0 bytes and a backup spins for ever, deaf to stop_backup.
     */
    static final long MIN_RATE = 10;

    /** A rate limit in bytes/s: 0 (no limit) or at least {@link #MIN_RATE}. */
    private static long rateOf(Option opt) throws RequestException {
        long v = opt.nonNegativeLong();
        if (v != 0 && v < MIN_RATE) {
            throw RequestException.badArgument(opt.key());
        }
        return v;
    }
}
