package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangLong;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import java.util.List;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.WriteOptions;

/**
 * Maps erlang-rocksdb's option lists onto rocksdbjni's option objects. DB, read and write options
 * follow the NIF: known options are type-checked ({@code badarg} on a wrong type), others are
 * ignored. (Backup engine options are {@code backup/}'s.)
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
                    case "write_buffer_size" -> o.setWriteBufferSize(opt.nonNegativeLong());
                    case "max_write_buffer_number" -> o.setMaxWriteBufferNumber(intOf(opt, 1));
                    case "target_file_size_base" -> o.setTargetFileSizeBase(opt.nonNegativeLong());
                    case "max_background_jobs" -> o.setMaxBackgroundJobs(ThreadBudget.threadCount(opt));
                    default -> { } // as the NIF: options it does not know are ignored
                }
            }
            return new DbOpen(o, readOnly);
        } catch (RequestException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** Open options of a DB opened with column family descriptors: its DB-wide options. */
    record DbOpenWithFamilies(DBOptions options, boolean readOnly) {}

    /**
     * The DB-wide options of {@code opts}, for an open with column family descriptors (whose own
     * options are {@link #columnFamilyOptions}).
     */
    static DbOpenWithFamilies dbWideOptions(List<Option> opts) throws RequestException {
        DbOpen all = dbOptions(opts);
        try (Options o = all.options()) {
            return new DbOpenWithFamilies(new DBOptions(o), all.readOnly());
        }
    }

    /** The options of one column family; the caller closes them. */
    static ColumnFamilyOptions columnFamilyOptions(List<Option> opts) throws RequestException {
        DbOpen all = dbOptions(opts);
        try (Options o = all.options()) {
            return new ColumnFamilyOptions(o);
        }
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
                    case "tailing" -> r.setTailing(opt.bool());
                    case "total_order_seek" -> r.setTotalOrderSeek(opt.bool());
                    case "prefix_same_as_start" -> r.setPrefixSameAsStart(opt.bool());
                    case "pin_data" -> r.setPinData(opt.bool());
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
     * Manual compaction options, as erlang-rocksdb's {@code compact_range_options()}:
     * {@code exclusive_manual_compaction}, {@code change_level}, {@code allow_write_stall}
     * (booleans), {@code target_level} (-1, RocksDB's default, or a level),
     * {@code max_subcompactions} (0, the DB's setting, up to {@link ThreadBudget#MAX_THREADS}:
     * RocksDB starts a thread for each); others ignored. The caller closes them.
     */
    static CompactRangeOptions compactRangeOptions(List<Option> opts) throws RequestException {
        CompactRangeOptions c = new CompactRangeOptions();
        try {
            for (Option opt : opts) {
                switch (opt.key()) {
                    case "exclusive_manual_compaction" -> c.setExclusiveManualCompaction(opt.bool());
                    case "change_level" -> c.setChangeLevel(opt.bool());
                    case "target_level" -> c.setTargetLevel(intOf(opt, UNLIMITED));
                    case "allow_write_stall" -> c.setAllowWriteStall(opt.bool());
                    case "max_subcompactions" -> c.setMaxSubcompactions(subcompactions(opt));
                    default -> { }
                }
            }
            return c;
        } catch (RequestException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static int subcompactions(Option opt) throws RequestException {
        int v = opt.intAtLeast(0);
        if (v > ThreadBudget.MAX_THREADS) {
            throw RequestException.badArgument(opt.key());
        }
        return v;
    }

    /**
     * Flush options, as erlang-rocksdb's {@code flush_options()}: {@code wait} (default true:
     * return when the flush is done), {@code allow_write_stall}; others ignored. The caller
     * closes them.
     */
    static FlushOptions flushOptions(List<Option> opts) throws RequestException {
        FlushOptions f = new FlushOptions().setWaitForFlush(true);
        try {
            for (Option opt : opts) {
                switch (opt.key()) {
                    case "wait" -> f.setWaitForFlush(opt.bool());
                    case "allow_write_stall" -> f.setAllowWriteStall(opt.bool());
                    default -> { }
                }
            }
            return f;
        } catch (RequestException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static long longOf(Option opt) throws RequestException {
        return opt.nonNegativeLong();
    }

    /** RocksDB's "no limit" for a count, accepted where it is the minimum given to intOf. */
    private static final int UNLIMITED = -1;

    private static int intOf(Option opt, int min) throws RequestException {
        opt.expectArity(1);
        if (min == UNLIMITED && opt.value() instanceof OtpErlangLong l && l.isLong() && l.longValue() == UNLIMITED) {
            return UNLIMITED;
        }
        return opt.intAtLeast(min);
    }
}
