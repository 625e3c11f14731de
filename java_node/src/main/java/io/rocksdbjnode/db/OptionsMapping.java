package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangDouble;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.BuiltinComparator;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompactionOptionsFIFO;
import org.rocksdb.CompactionPriority;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DbPath;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.PrepopulateBlobCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.StringAppendOperator;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * erlang-rocksdb's option lists as one declarative table: for each key, where it applies (its
 * {@link Scope}), how its value is read, and either the rocksdbjni setting it maps to or why it
 * is accepted and ignored. The README's options table is printed from it ({@link #markdownTable}).
 *
 * <p>The rules are the NIF's: a key the table does not know is ignored; a known key whose value
 * has the wrong type or range is {@code {error, {badarg, {bad_argument, Key}}}}, also when the
 * key is accepted and ignored. An option erlang-rocksdb documents that the node cannot honour
 * (its C++ merge operators) is {@code {error, {badarg, {unsupported_option, Key}}}}. A refused
 * list closes the option object it was being set on. (Backup engine options are {@code backup/}'s.)
 *
 * <p>DB and column-family keys share one list, as {@code open/2}'s options are both: every DB
 * and CF key is checked in each of {@link #dbOptions}, {@link #dbWideOptions} and
 * {@link #columnFamilyOptions}; those of the other scope have no effect in the last two.
 *
 * <p>Native objects a setting needs only while it is set (a merge operator, a Bloom filter, a
 * block cache, compression options) are closed as soon as it is: the option objects copy what
 * they point to (RocksDB's {@code shared_ptr}s and value structs).
 */
final class OptionsMapping {
    private OptionsMapping() {}

    /** Which option lists a key belongs to. */
    enum Scope {
        DB, CF, READ, WRITE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    // ---- the table's parts -----------------------------------------------------------------

    /** How a value is read: the text the README shows, and the decoder (which refuses with badarg). */
    record Value<V>(String text, Option.Decoder<V> decoder) {}

    /** Sets a decoded value on a target. */
    @FunctionalInterface
    interface Setter<T, V> {
        void set(T target, V value) throws RequestException;
    }

    /** One key of one table: its value, its effect, and what sets it (none when ignored or set elsewhere). */
    static final class Entry<T> {
        final String key;
        final List<Scope> scopes;
        final Value<?> value;
        /** The rocksdbjni setting, or "accepted, ignored: reason". */
        final String effect;
        final Kind kind;
        /** Sub-keys of a nested option list, for the README. */
        final Table<?> nested;
        private final Applier<T> applier;

        enum Kind { MAPPED, IGNORED, ELSEWHERE }

        private interface Applier<T> {
            void apply(T target, Option o) throws RequestException;
        }

        private Entry(String key, List<Scope> scopes, Value<?> value, String effect, Kind kind, Table<?> nested,
                Applier<T> applier) {
            this.key = key;
            this.scopes = scopes;
            this.value = value;
            this.effect = effect;
            this.kind = kind;
            this.nested = nested;
            this.applier = applier;
        }

        void apply(T target, Option o) throws RequestException {
            applier.apply(target, o);
        }
    }

    /** The keys of one option list, in the README's order. */
    static final class Table<T> {
        private final Map<String, Entry<T>> entries = new LinkedHashMap<>();

        /** {@code key} maps to the rocksdbjni setting {@code setting}. */
        <V> Table<T> map(String key, Value<V> value, String setting, Setter<T, V> setter, Scope... scopes) {
            return add(new Entry<>(key, List.of(scopes), value, setting, Entry.Kind.MAPPED, null,
                    (t, o) -> setter.set(t, value.decoder().decode(o))));
        }

        /** {@code key}, an option list of {@code sub}'s keys, maps to {@code setting}. */
        <V> Table<T> nested(String key, Value<V> value, Table<?> sub, String setting, Setter<T, V> setter,
                Scope... scopes) {
            return add(new Entry<>(key, List.of(scopes), value, setting, Entry.Kind.MAPPED, sub,
                    (t, o) -> setter.set(t, value.decoder().decode(o))));
        }

        /** {@code key} is checked and has no effect, for {@code reason}. */
        Table<T> ignore(String key, Value<?> value, String reason, Scope... scopes) {
            return add(new Entry<>(key, List.of(scopes), value, "accepted, ignored: " + reason, Entry.Kind.IGNORED,
                    null, (t, o) -> value.decoder().decode(o)));
        }

        /** {@code key} is decoded by another class ({@link ReadSpec}), which says so in {@code setting}. */
        Table<T> elsewhere(String key, Value<?> value, String setting, Scope... scopes) {
            return add(new Entry<>(key, List.of(scopes), value, setting, Entry.Kind.ELSEWHERE, null, (t, o) -> { }));
        }

        private Table<T> add(Entry<T> e) {
            if (entries.putIfAbsent(e.key, e) != null) {
                throw new IllegalStateException("option " + e.key + " twice in one table");
            }
            return this;
        }

        Map<String, Entry<T>> entries() {
            return Collections.unmodifiableMap(entries);
        }

        /** Applies {@code opts} to {@code target} in list order; keys this table does not know are ignored. */
        void apply(T target, List<Option> opts) throws RequestException {
            for (Option o : opts) {
                Entry<T> e = entries.get(o.key());
                if (e != null) {
                    e.apply(target, o);
                }
            }
        }
    }

    // ---- values ------------------------------------------------------------------------------

    static final Value<Boolean> BOOL = new Value<>("`true` \\| `false`", Option::bool);

    static final Value<Long> NON_NEGATIVE = new Value<>("integer ≥ 0", Option::nonNegativeLong);

    static final Value<Long> POSITIVE = new Value<>("integer ≥ 1", o -> {
        long v = o.nonNegativeLong();
        if (v < 1) {
            throw RequestException.badArgument(o.key());
        }
        return v;
    });

    /** A long from {@code min} to {@code max}. */
    static Value<Long> longIn(long min, long max) {
        return new Value<>("integer " + min + ".." + max, o -> {
            long v = o.nonNegativeLong();
            if (v < min || v > max) {
                throw RequestException.badArgument(o.key());
            }
            return v;
        });
    }

    /**
     * Sizes RocksDB allocates in one piece (arena blocks, readahead buffers): larger ones would
     * fail an allocation inside RocksDB, which aborts the process.
     */
    static final Value<Long> ALLOCATION = longIn(0, 1L << 30);

    /** An int from {@code min} to {@code max}. */
    static Value<Integer> intIn(int min, int max) {
        String text = max == Integer.MAX_VALUE ? "integer ≥ " + min : "integer " + min + ".." + max;
        return new Value<>(text, o -> {
            int v = o.intAtLeast(min);
            if (v > max) {
                throw RequestException.badArgument(o.key());
            }
            return v;
        });
    }

    static final Value<Integer> INT_NON_NEGATIVE = intIn(0, Integer.MAX_VALUE);
    static final Value<Integer> INT_POSITIVE = intIn(1, Integer.MAX_VALUE);

    /** A thread count: RocksDB starts that many threads, and aborts the process when it cannot. */
    static final Value<Integer> THREADS = new Value<>("integer 1.." + ThreadBudget.MAX_THREADS, ThreadBudget::threadCount);

    /** RocksDB's "no limit" for a count, accepted where it is the minimum given to intOf. */
    private static final int UNLIMITED = -1;

    static final Value<Integer> MAX_OPEN_FILES = new Value<>("`-1` (no limit) or integer ≥ 0", o -> {
        o.expectArity(1);
        if (o.value() instanceof OtpErlangLong l && l.isLong() && l.longValue() == UNLIMITED) {
            return UNLIMITED;
        }
        return o.intAtLeast(0);
    });

    static final Value<Double> FRACTION = new Value<>("number 0.0..1.0", o -> {
        o.expectArity(1);
        double d;
        if (o.value() instanceof OtpErlangDouble f) {
            d = f.doubleValue();
        } else if (o.value() instanceof OtpErlangLong l && l.isLong()) {
            d = l.longValue();
        } else {
            throw RequestException.badArgument(o.key());
        }
        if (!(d >= 0.0 && d <= 1.0)) {
            throw RequestException.badArgument(o.key());
        }
        return d;
    });

    /** One of the atoms of {@code choices}, in their order. */
    static <E> Value<E> oneOf(Map<String, E> choices) {
        Map<String, E> copy = Collections.unmodifiableMap(new LinkedHashMap<>(choices));
        String text = copy.keySet().stream().map(a -> "`" + a + "`").collect(Collectors.joining(" \\| "));
        return new Value<>(text, o -> {
            o.expectArity(1);
            E v = copy.get(Terms.atomName(o.value()));
            if (v == null) {
                throw RequestException.badArgument(o.key());
            }
            return v;
        });
    }

    @SafeVarargs
    private static <E> Map<String, E> atoms(Map.Entry<String, E>... es) {
        Map<String, E> m = new LinkedHashMap<>();
        for (Map.Entry<String, E> e : es) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    private static <E> Map.Entry<String, E> atom(String name, E value) {
        return Map.entry(name, value);
    }

    /** A NIF resource (an env, cache, rate limiter or statistics handle): a reference. */
    static final Value<OtpErlangObject> HANDLE = new Value<>("a NIF handle (reference)", o -> {
        o.expectArity(1);
        if (!(o.value() instanceof OtpErlangRef)) {
            throw RequestException.badArgument(o.key());
        }
        return o.value();
    });

    /** A directory, as a string or binary; resolved through the path guard when set. */
    static final Value<OtpErlangObject> DIRECTORY = new Value<>("absolute path (string or binary)", o -> {
        o.expectArity(1);
        Terms.string(o.value(), o.key());
        return o.value();
    });

    static final Value<Object> ANY = new Value<>("any", o -> o.values());

    private static final Map<String, CompressionType> COMPRESSION_TYPES = atoms(
            atom("snappy", CompressionType.SNAPPY_COMPRESSION), atom("zlib", CompressionType.ZLIB_COMPRESSION),
            atom("bzip2", CompressionType.BZLIB2_COMPRESSION), atom("lz4", CompressionType.LZ4_COMPRESSION),
            atom("lz4h", CompressionType.LZ4HC_COMPRESSION), atom("zstd", CompressionType.ZSTD_COMPRESSION),
            atom("none", CompressionType.NO_COMPRESSION));

    static final Value<CompressionType> COMPRESSION = oneOf(COMPRESSION_TYPES);

    /** An option list of {@code sub}'s keys, set on a fresh {@code C} (closed when the list is refused). */
    static <C extends AutoCloseable> Value<C> listOf(Table<C> sub, Supplier<C> make) {
        return new Value<>("list (below)", o -> {
            o.expectArity(1);
            List<Option> opts = Option.parse(o.value(), o.key());
            C c = make.get();
            try {
                sub.apply(c, opts);
                return c;
            } catch (RequestException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing a native object we made: nothing to report
        }
    }

    /** Sets {@code c} with {@code set}, then closes it: the option object copied what it needs. */
    private static <C extends AutoCloseable> void setAndClose(C c, java.util.function.Consumer<C> set) {
        try {
            set.accept(c);
        } finally {
            closeQuietly(c);
        }
    }

    // ---- merge operators and prefix extractors ----------------------------------------------

    /** What a {@code merge_operator} or {@code prefix_extractor} value does to the options. */
    @FunctionalInterface
    interface OptionsAction {
        void apply(Options o);
    }

    /** The merge operators the NIF implements in C++: rocksdbjni has no Java merge callback. */
    private static final List<String> NIF_MERGE_OPERATORS =
            List.of("erlang_merge_operator", "bitset_merge_operator", "counter_merge_operator");

    static final Value<OptionsAction> MERGE_OPERATOR = new Value<>(
            "`uint64add` \\| `{string_append, Delimiter}` (one byte: `<<\",\">>`, `\",\"` or `$,`) \\| `max`;"
                    + " refused: " + NIF_MERGE_OPERATORS.stream().map(a -> "`" + a + "`").collect(Collectors.joining(", "))
                    + ", `{bitset_merge_operator, N}`",
            o -> {
                o.expectArity(1);
                OtpErlangObject v = o.value();
                String name = Terms.atomName(v);
                if ("uint64add".equals(name)) {
                    return opts -> {
                        try (UInt64AddOperator m = new UInt64AddOperator()) {
                            opts.setMergeOperator(m);
                        }
                    };
                }
                if ("max".equals(name)) {
                    return opts -> opts.setMergeOperatorName("max");
                }
                if (name != null && NIF_MERGE_OPERATORS.contains(name)) {
                    throw RequestException.unsupportedOption(o.key());
                }
                if (v instanceof OtpErlangTuple t && t.arity() == 2) {
                    String tag = Terms.atomName(t.elementAt(0));
                    if ("bitset_merge_operator".equals(tag)) {
                        throw RequestException.unsupportedOption(o.key());
                    }
                    if ("string_append".equals(tag)) {
                        char delimiter = (char) delimiterByte(t.elementAt(1), o.key());
                        return opts -> {
                            try (StringAppendOperator m = new StringAppendOperator(delimiter)) {
                                opts.setMergeOperator(m);
                            }
                        };
                    }
                }
                throw RequestException.badArgument(o.key());
            });

    /** A one-byte delimiter: a binary of one byte, a one-character string, or a byte value. */
    private static int delimiterByte(OtpErlangObject term, String key) throws RequestException {
        if (term instanceof OtpErlangBinary b && b.binaryValue().length == 1) {
            return b.binaryValue()[0] & 0xff;
        }
        if (term instanceof OtpErlangString s && s.stringValue().length() == 1 && s.stringValue().charAt(0) < 256) {
            return s.stringValue().charAt(0);
        }
        if (term instanceof OtpErlangLong l && l.isLong() && l.longValue() >= 0 && l.longValue() < 256) {
            return (int) l.longValue();
        }
        throw RequestException.badArgument(key);
    }

    static final Value<OptionsAction> PREFIX_EXTRACTOR = new Value<>(
            "`{fixed_prefix_transform, N}` \\| `{capped_prefix_transform, N}`, N integer ≥ 0", o -> {
                o.expectArity(1);
                if (o.value() instanceof OtpErlangTuple t && t.arity() == 2
                        && t.elementAt(1) instanceof OtpErlangLong l && l.isLong()
                        && l.longValue() >= 0 && l.longValue() <= Integer.MAX_VALUE) {
                    int n = (int) l.longValue();
                    String tag = Terms.atomName(t.elementAt(0));
                    if ("fixed_prefix_transform".equals(tag)) {
                        return opts -> opts.useFixedLengthPrefixExtractor(n);
                    }
                    if ("capped_prefix_transform".equals(tag)) {
                        return opts -> opts.useCappedPrefixExtractor(n);
                    }
                }
                throw RequestException.badArgument(o.key());
            });

    static final Value<List<OtpErlangObject>> DB_PATHS = new Value<>(
            "list of paths or `{db_path, Path, TargetSize}`", o -> {
                o.expectArity(1);
                if (o.value() instanceof OtpErlangList l && l.isProper()) {
                    return List.of(l.elements());
                }
                throw RequestException.badArgument(o.key());
            });

    // ---- DB and column family options ---------------------------------------------------------

    /** The target of DB and CF keys: the options being built, and what the open needs besides. */
    static final class Build {
        final Options options;
        final PathGuard guard;
        boolean readOnly;

        Build(Options options, PathGuard guard) {
            this.options = options;
            this.guard = guard;
        }

        /** {@code term} resolved as the DB path is: confined to the node's roots. */
        String directory(OtpErlangObject term, String key) throws RequestException {
            if (guard == null) {
                throw RequestException.forbiddenPath(term);
            }
            return guard.resolve(term, key).toString();
        }
    }

    /** A block-based table configuration, with the native objects it points to until it is set. */
    static final class TableConfig implements AutoCloseable {
        final BlockBasedTableConfig config = new BlockBasedTableConfig();
        final List<AutoCloseable> natives = new ArrayList<>();

        <N extends AutoCloseable> N keep(N n) {
            natives.add(n);
            return n;
        }

        @Override
        public void close() {
            natives.forEach(OptionsMapping::closeQuietly);
            natives.clear();
        }
    }

    private static final Scope DB = Scope.DB;
    private static final Scope CF = Scope.CF;

    static final Table<TableConfig> BLOCK_BASED_TABLE = new Table<TableConfig>()
            .map("no_block_cache", BOOL, "BlockBasedTableConfig.setNoBlockCache", (t, v) -> t.config.setNoBlockCache(v), CF)
            .map("block_size", POSITIVE, "BlockBasedTableConfig.setBlockSize", (t, v) -> t.config.setBlockSize(v), CF)
            .ignore("block_cache", HANDLE, "a NIF cache handle; use `block_cache_size`", CF)
            .map("block_cache_size", POSITIVE, "BlockBasedTableConfig.setBlockCache(new LRUCache(N))",
                    (t, v) -> t.config.setBlockCache(t.keep(new LRUCache(v))), CF)
            .map("bloom_filter_policy", intIn(0, 1000), "BlockBasedTableConfig.setFilterPolicy(new BloomFilter(BitsPerKey))",
                    (t, v) -> t.config.setFilterPolicy(t.keep(new BloomFilter(v))), CF)
            .map("format_version", intIn(0, 7), "BlockBasedTableConfig.setFormatVersion (RocksDB 11.8 knows 0 to 7)",
                    (t, v) -> t.config.setFormatVersion(v), CF)
            .map("pin_l0_filter_and_index_blocks_in_cache", BOOL,
                    "BlockBasedTableConfig.setPinL0FilterAndIndexBlocksInCache",
                    (t, v) -> t.config.setPinL0FilterAndIndexBlocksInCache(v), CF)
            .map("partition_filters", BOOL, "BlockBasedTableConfig.setPartitionFilters",
                    (t, v) -> t.config.setPartitionFilters(v), CF)
            .map("cache_index_and_filter_blocks", BOOL, "BlockBasedTableConfig.setCacheIndexAndFilterBlocks",
                    (t, v) -> t.config.setCacheIndexAndFilterBlocks(v), CF);

    static final Table<CompressionOptions> COMPRESSION_OPTIONS = new Table<CompressionOptions>()
            .map("enabled", BOOL, "CompressionOptions.setEnabled", CompressionOptions::setEnabled, CF)
            .map("window_bits", INT_POSITIVE, "CompressionOptions.setWindowBits", CompressionOptions::setWindowBits, CF)
            .map("level", INT_NON_NEGATIVE, "CompressionOptions.setLevel", CompressionOptions::setLevel, CF)
            .map("strategy", INT_NON_NEGATIVE, "CompressionOptions.setStrategy", CompressionOptions::setStrategy, CF)
            .map("max_dict_bytes", INT_NON_NEGATIVE, "CompressionOptions.setMaxDictBytes", CompressionOptions::setMaxDictBytes, CF)
            .map("zstd_max_train_bytes", INT_NON_NEGATIVE, "CompressionOptions.setZStdMaxTrainBytes",
                    CompressionOptions::setZStdMaxTrainBytes, CF);

    static final Table<CompactionOptionsFIFO> FIFO_OPTIONS = new Table<CompactionOptionsFIFO>()
            .map("allow_compaction", BOOL, "CompactionOptionsFIFO.setAllowCompaction",
                    CompactionOptionsFIFO::setAllowCompaction, CF)
            .ignore("age_for_warm", NON_NEGATIVE, "rocksdbjni 11.8.1 has no setter for it", CF)
            .map("max_table_files_size", POSITIVE, "CompactionOptionsFIFO.setMaxTableFilesSize",
                    CompactionOptionsFIFO::setMaxTableFilesSize, CF);

    private static final String NIF_HANDLE = "a NIF handle, which this node has no way to build";
    private static final String ON_DISK = "this node keeps every DB on disk at its path";
    private static final String NIF_IGNORES = "erlang-rocksdb ignores it too";

    static final Table<Build> DB_CF = new Table<Build>()
            // DB-wide
            .ignore("env", new Value<>("`default` \\| `memenv` \\| an env handle", o -> {
                o.expectArity(1);
                String a = Terms.atomName(o.value());
                if (!"default".equals(a) && !"memenv".equals(a) && !(o.value() instanceof OtpErlangRef)) {
                    throw RequestException.badArgument(o.key());
                }
                return o.value();
            }), ON_DISK + " with the default env; env handles are NIF handles", DB)
            .map("total_threads", THREADS, "setMaxBackgroundJobs (as IncreaseParallelism does, without resizing the"
                    + " process-wide thread pool; budgeted like max_background_jobs)",
                    (b, v) -> b.options.setMaxBackgroundJobs(v), DB)
            .map("create_if_missing", BOOL, "setCreateIfMissing", (b, v) -> b.options.setCreateIfMissing(v), DB)
            .map("create_missing_column_families", BOOL, "setCreateMissingColumnFamilies",
                    (b, v) -> b.options.setCreateMissingColumnFamilies(v), DB)
            .map("error_if_exists", BOOL, "setErrorIfExists", (b, v) -> b.options.setErrorIfExists(v), DB)
            .map("paranoid_checks", BOOL, "setParanoidChecks", (b, v) -> b.options.setParanoidChecks(v), DB)
            .map("read_only", BOOL, "RocksDB.openReadOnly (the node's own key, which `open_readonly` sends)",
                    (b, v) -> b.readOnly = v, DB)
            .map("max_open_files", MAX_OPEN_FILES, "setMaxOpenFiles", (b, v) -> b.options.setMaxOpenFiles(v), DB)
            .map("max_total_wal_size", NON_NEGATIVE, "setMaxTotalWalSize", (b, v) -> b.options.setMaxTotalWalSize(v), DB)
            .map("use_fsync", BOOL, "setUseFsync", (b, v) -> b.options.setUseFsync(v), DB)
            .map("db_paths", DB_PATHS, "setDbPaths (each path confined like the DB's)", OptionsMapping::setDbPaths, DB)
            .map("db_log_dir", DIRECTORY, "setDbLogDir (confined like the DB path)",
                    (b, v) -> b.options.setDbLogDir(b.directory(v, "db_log_dir")), DB)
            .map("wal_dir", DIRECTORY, "setWalDir (confined like the DB path)",
                    (b, v) -> b.options.setWalDir(b.directory(v, "wal_dir")), DB)
            .map("delete_obsolete_files_period_micros", POSITIVE, "setDeleteObsoleteFilesPeriodMicros",
                    (b, v) -> b.options.setDeleteObsoleteFilesPeriodMicros(v), DB)
            .map("max_background_jobs", THREADS, "setMaxBackgroundJobs (the node budgets these threads)",
                    (b, v) -> b.options.setMaxBackgroundJobs(v), DB)
            .ignore("max_background_compactions", THREADS,
                    "deprecated by RocksDB; `max_background_jobs` sizes the pools the node budgets", DB)
            .ignore("max_background_flushes", THREADS,
                    "deprecated by RocksDB; `max_background_jobs` sizes the pools the node budgets", DB)
            .map("max_log_file_size", NON_NEGATIVE, "setMaxLogFileSize", (b, v) -> b.options.setMaxLogFileSize(v), DB)
            .map("log_file_time_to_roll", NON_NEGATIVE, "setLogFileTimeToRoll",
                    (b, v) -> b.options.setLogFileTimeToRoll(v), DB)
            .map("keep_log_file_num", POSITIVE, "setKeepLogFileNum", (b, v) -> b.options.setKeepLogFileNum(v), DB)
            .map("max_manifest_file_size", POSITIVE, "setMaxManifestFileSize",
                    (b, v) -> b.options.setMaxManifestFileSize(v), DB)
            .map("table_cache_numshardbits", intIn(1, 19), "setTableCacheNumshardbits",
                    (b, v) -> b.options.setTableCacheNumshardbits(v), DB)
            .map("wal_ttl_seconds", NON_NEGATIVE, "setWalTtlSeconds", (b, v) -> b.options.setWalTtlSeconds(v), DB)
            .map("manual_wal_flush", BOOL, "setManualWalFlush", (b, v) -> b.options.setManualWalFlush(v), DB)
            .map("wal_size_limit_mb", NON_NEGATIVE, "setWalSizeLimitMB", (b, v) -> b.options.setWalSizeLimitMB(v), DB)
            .map("manifest_preallocation_size", POSITIVE, "setManifestPreallocationSize",
                    (b, v) -> b.options.setManifestPreallocationSize(v), DB)
            .map("allow_mmap_reads", BOOL, "setAllowMmapReads", (b, v) -> b.options.setAllowMmapReads(v), DB)
            .map("allow_mmap_writes", BOOL, "setAllowMmapWrites", (b, v) -> b.options.setAllowMmapWrites(v), DB)
            .map("allow_fallocate", BOOL, "setAllowFAllocate", (b, v) -> b.options.setAllowFAllocate(v), DB)
            .map("is_fd_close_on_exec", BOOL, "setIsFdCloseOnExec", (b, v) -> b.options.setIsFdCloseOnExec(v), DB)
            .map("stats_dump_period_sec", INT_NON_NEGATIVE, "setStatsDumpPeriodSec",
                    (b, v) -> b.options.setStatsDumpPeriodSec(v), DB)
            .map("advise_random_on_open", BOOL, "setAdviseRandomOnOpen",
                    (b, v) -> b.options.setAdviseRandomOnOpen(v), DB)
            .ignore("access_hint", oneOf(atoms(atom("normal", 0), atom("sequential", 1), atom("willneed", 2),
                    atom("none", 3))), "removed from RocksDB (9.0), so rocksdbjni 11 has no setter", DB)
            .map("compaction_readahead_size", ALLOCATION, "setCompactionReadaheadSize (one buffer: at most 1 GiB)",
                    (b, v) -> b.options.setCompactionReadaheadSize(v), DB)
            .map("use_adaptive_mutex", BOOL, "setUseAdaptiveMutex", (b, v) -> b.options.setUseAdaptiveMutex(v), DB)
            .map("bytes_per_sync", NON_NEGATIVE, "setBytesPerSync", (b, v) -> b.options.setBytesPerSync(v), DB)
            .map("skip_stats_update_on_db_open", BOOL, "setSkipStatsUpdateOnDbOpen",
                    (b, v) -> b.options.setSkipStatsUpdateOnDbOpen(v), DB)
            .map("wal_recovery_mode", oneOf(atoms(
                    atom("tolerate_corrupted_tail_records", WALRecoveryMode.TolerateCorruptedTailRecords),
                    atom("absolute_consistency", WALRecoveryMode.AbsoluteConsistency),
                    atom("point_in_time_recovery", WALRecoveryMode.PointInTimeRecovery),
                    atom("skip_any_corrupted_records", WALRecoveryMode.SkipAnyCorruptedRecords))),
                    "setWalRecoveryMode", (b, v) -> b.options.setWalRecoveryMode(v), DB)
            .map("allow_concurrent_memtable_write", BOOL, "setAllowConcurrentMemtableWrite",
                    (b, v) -> b.options.setAllowConcurrentMemtableWrite(v), DB)
            .map("enable_write_thread_adaptive_yield", BOOL, "setEnableWriteThreadAdaptiveYield",
                    (b, v) -> b.options.setEnableWriteThreadAdaptiveYield(v), DB)
            .map("db_write_buffer_size", NON_NEGATIVE, "setDbWriteBufferSize",
                    (b, v) -> b.options.setDbWriteBufferSize(v), DB)
            .ignore("in_memory", BOOL, ON_DISK, DB)
            .ignore("rate_limiter", HANDLE, NIF_HANDLE, DB)
            .ignore("sst_file_manager", HANDLE, NIF_HANDLE, DB)
            .ignore("write_buffer_manager", HANDLE, NIF_HANDLE, DB)
            .ignore("statistics", HANDLE, NIF_HANDLE, DB)
            .map("max_subcompactions", intIn(0, ThreadBudget.MAX_THREADS),
                    "setMaxSubcompactions (each one a thread: at most " + ThreadBudget.MAX_THREADS + ")",
                    (b, v) -> b.options.setMaxSubcompactions(v), DB)
            .map("atomic_flush", BOOL, "setAtomicFlush", (b, v) -> b.options.setAtomicFlush(v), DB)
            .map("use_direct_reads", BOOL, "setUseDirectReads", (b, v) -> b.options.setUseDirectReads(v), DB)
            .map("use_direct_io_for_flush_and_compaction", BOOL, "setUseDirectIoForFlushAndCompaction",
                    (b, v) -> b.options.setUseDirectIoForFlushAndCompaction(v), DB)
            .map("enable_pipelined_write", BOOL, "setEnablePipelinedWrite",
                    (b, v) -> b.options.setEnablePipelinedWrite(v), DB)
            .map("unordered_write", BOOL, "setUnorderedWrite", (b, v) -> b.options.setUnorderedWrite(v), DB)
            .map("two_write_queues", BOOL, "setTwoWriteQueues", (b, v) -> b.options.setTwoWriteQueues(v), DB)
            .ignore("skip_log_error_on_recovery", ANY, "removed from RocksDB; " + NIF_IGNORES, DB)
            .ignore("new_table_reader_for_compaction_inputs", ANY, "removed from RocksDB; " + NIF_IGNORES, DB)
            // column family
            .ignore("block_cache_size_mb_for_point_lookup", NON_NEGATIVE, NIF_IGNORES, CF)
            .map("memtable_memory_budget", POSITIVE, "optimizeLevelStyleCompaction(Budget)",
                    (b, v) -> b.options.optimizeLevelStyleCompaction(v), CF)
            .map("write_buffer_size", NON_NEGATIVE, "setWriteBufferSize", (b, v) -> b.options.setWriteBufferSize(v), CF)
            .map("max_write_buffer_number", INT_POSITIVE, "setMaxWriteBufferNumber",
                    (b, v) -> b.options.setMaxWriteBufferNumber(v), CF)
            .map("min_write_buffer_number_to_merge", INT_POSITIVE, "setMinWriteBufferNumberToMerge",
                    (b, v) -> b.options.setMinWriteBufferNumberToMerge(v), CF)
            .map("enable_blob_files", BOOL, "setEnableBlobFiles", (b, v) -> b.options.setEnableBlobFiles(v), CF)
            .map("min_blob_size", NON_NEGATIVE, "setMinBlobSize", (b, v) -> b.options.setMinBlobSize(v), CF)
            .map("blob_file_size", NON_NEGATIVE, "setBlobFileSize (the NIF sets min_blob_size instead, a bug)",
                    (b, v) -> b.options.setBlobFileSize(v), CF)
            .map("ttl", NON_NEGATIVE, "setTtl", (b, v) -> b.options.setTtl(v), CF)
            .map("blob_compression_type", COMPRESSION, "setBlobCompressionType",
                    (b, v) -> b.options.setBlobCompressionType(v), CF)
            .map("enable_blob_garbage_collection", BOOL, "setEnableBlobGarbageCollection",
                    (b, v) -> b.options.setEnableBlobGarbageCollection(v), CF)
            .map("blob_garbage_collection_age_cutoff", FRACTION, "setBlobGarbageCollectionAgeCutoff",
                    (b, v) -> b.options.setBlobGarbageCollectionAgeCutoff(v), CF)
            .map("blob_garbage_collection_force_threshold", FRACTION, "setBlobGarbageCollectionForceThreshold",
                    (b, v) -> b.options.setBlobGarbageCollectionForceThreshold(v), CF)
            .map("blob_compaction_readahead_size", ALLOCATION, "setBlobCompactionReadaheadSize (one buffer: at most 1 GiB)",
                    (b, v) -> b.options.setBlobCompactionReadaheadSize(v), CF)
            .map("blob_file_starting_level", INT_NON_NEGATIVE, "setBlobFileStartingLevel",
                    (b, v) -> b.options.setBlobFileStartingLevel(v), CF)
            .ignore("blob_cache", HANDLE, NIF_HANDLE, CF)
            .map("prepopulate_blob_cache", oneOf(atoms(atom("disable", PrepopulateBlobCache.PREPOPULATE_BLOB_DISABLE),
                    atom("flush_only", PrepopulateBlobCache.PREPOPULATE_BLOB_FLUSH_ONLY))),
                    "setPrepopulateBlobCache", (b, v) -> b.options.setPrepopulateBlobCache(v), CF)
            .map("compression", COMPRESSION, "setCompressionType", (b, v) -> b.options.setCompressionType(v), CF)
            .map("bottommost_compression", COMPRESSION, "setBottommostCompressionType",
                    (b, v) -> b.options.setBottommostCompressionType(v), CF)
            .nested("compression_opts", listOf(COMPRESSION_OPTIONS, CompressionOptions::new), COMPRESSION_OPTIONS,
                    "setCompressionOptions", (b, v) -> setAndClose(v, x -> b.options.setCompressionOptions(x)), CF)
            .nested("bottommost_compression_opts", listOf(COMPRESSION_OPTIONS, CompressionOptions::new),
                    COMPRESSION_OPTIONS, "setBottommostCompressionOptions",
                    (b, v) -> setAndClose(v, x -> b.options.setBottommostCompressionOptions(x)), CF)
            .map("num_levels", intIn(1, 1000), "setNumLevels", (b, v) -> b.options.setNumLevels(v), CF)
            .map("level0_file_num_compaction_trigger", INT_NON_NEGATIVE, "setLevel0FileNumCompactionTrigger",
                    (b, v) -> b.options.setLevel0FileNumCompactionTrigger(v), CF)
            .map("level0_slowdown_writes_trigger", INT_NON_NEGATIVE, "setLevel0SlowdownWritesTrigger",
                    (b, v) -> b.options.setLevel0SlowdownWritesTrigger(v), CF)
            .map("level0_stop_writes_trigger", INT_NON_NEGATIVE, "setLevel0StopWritesTrigger",
                    (b, v) -> b.options.setLevel0StopWritesTrigger(v), CF)
            .map("target_file_size_base", NON_NEGATIVE, "setTargetFileSizeBase",
                    (b, v) -> b.options.setTargetFileSizeBase(v), CF)
            .map("target_file_size_multiplier", INT_POSITIVE, "setTargetFileSizeMultiplier",
                    (b, v) -> b.options.setTargetFileSizeMultiplier(v), CF)
            .map("max_bytes_for_level_base", POSITIVE, "setMaxBytesForLevelBase",
                    (b, v) -> b.options.setMaxBytesForLevelBase(v), CF)
            .map("max_bytes_for_level_multiplier", POSITIVE, "setMaxBytesForLevelMultiplier",
                    (b, v) -> b.options.setMaxBytesForLevelMultiplier(v), CF)
            .map("max_compaction_bytes", POSITIVE, "setMaxCompactionBytes",
                    (b, v) -> b.options.setMaxCompactionBytes(v), CF)
            .map("arena_block_size", ALLOCATION, "setArenaBlockSize (one block: at most 1 GiB)", (b, v) -> b.options.setArenaBlockSize(v), CF)
            .map("disable_auto_compactions", BOOL, "setDisableAutoCompactions",
                    (b, v) -> b.options.setDisableAutoCompactions(v), CF)
            .map("compaction_style", oneOf(atoms(atom("level", CompactionStyle.LEVEL),
                    atom("universal", CompactionStyle.UNIVERSAL), atom("fifo", CompactionStyle.FIFO),
                    atom("none", CompactionStyle.NONE))),
                    "setCompactionStyle", (b, v) -> b.options.setCompactionStyle(v), CF)
            .map("compaction_pri", oneOf(atoms(atom("compensated_size", CompactionPriority.ByCompensatedSize),
                    atom("oldest_largest_seq_first", CompactionPriority.OldestLargestSeqFirst),
                    atom("oldest_smallest_seq_first", CompactionPriority.OldestSmallestSeqFirst))),
                    "setCompactionPriority", (b, v) -> b.options.setCompactionPriority(v), CF)
            .ignore("filter_deletes", BOOL, "removed from RocksDB; " + NIF_IGNORES, CF)
            .map("max_sequential_skip_in_iterations", POSITIVE, "setMaxSequentialSkipInIterations",
                    (b, v) -> b.options.setMaxSequentialSkipInIterations(v), CF)
            .map("inplace_update_support", BOOL, "setInplaceUpdateSupport",
                    (b, v) -> b.options.setInplaceUpdateSupport(v), CF)
            .map("inplace_update_num_locks", longIn(1, 1 << 20), "setInplaceUpdateNumLocks (RocksDB allocates them at once)",
                    (b, v) -> b.options.setInplaceUpdateNumLocks(v), CF)
            .ignore("table_factory_block_cache_size", POSITIVE, NIF_IGNORES, CF)
            .ignore("in_memory_mode", BOOL, "a tuning preset for RAM-backed DBs (plain table, mmap reads); "
                    + ON_DISK, CF)
            .nested("block_based_table_options", listOf(BLOCK_BASED_TABLE, TableConfig::new), BLOCK_BASED_TABLE,
                    "setTableFormatConfig(BlockBasedTableConfig)",
                    (b, v) -> setAndClose(v, x -> b.options.setTableFormatConfig(x.config)), CF)
            .nested("compaction_options_fifo", listOf(FIFO_OPTIONS, CompactionOptionsFIFO::new), FIFO_OPTIONS,
                    "setCompactionOptionsFIFO",
                    (b, v) -> setAndClose(v, x -> b.options.setCompactionOptionsFIFO(x)), CF)
            .map("level_compaction_dynamic_level_bytes", BOOL, "setLevelCompactionDynamicLevelBytes",
                    (b, v) -> b.options.setLevelCompactionDynamicLevelBytes(v), CF)
            .map("optimize_filters_for_hits", BOOL, "setOptimizeFiltersForHits",
                    (b, v) -> b.options.setOptimizeFiltersForHits(v), CF)
            .map("prefix_extractor", PREFIX_EXTRACTOR, "useFixedLengthPrefixExtractor \\| useCappedPrefixExtractor",
                    (b, v) -> v.apply(b.options), CF)
            .map("merge_operator", MERGE_OPERATOR, "setMergeOperator(UInt64AddOperator \\| StringAppendOperator),"
                    + " setMergeOperatorName(\"max\"); the NIF's operators are refused:"
                    + " `{badarg, {unsupported_option, merge_operator}}`",
                    (b, v) -> v.apply(b.options), CF)
            .map("comparator", oneOf(atoms(atom("bytewise_comparator", BuiltinComparator.BYTEWISE_COMPARATOR),
                    atom("reverse_bytewise_comparator", BuiltinComparator.REVERSE_BYTEWISE_COMPARATOR))),
                    "setComparator(BuiltinComparator)", (b, v) -> b.options.setComparator(v), CF);

    private static void setDbPaths(Build b, List<OtpErlangObject> paths) throws RequestException {
        List<DbPath> out = new ArrayList<>();
        for (OtpErlangObject p : paths) {
            OtpErlangObject path = p;
            long target = 0;
            if (p instanceof OtpErlangTuple t && t.arity() == 3 && "db_path".equals(Terms.atomName(t.elementAt(0)))) {
                path = t.elementAt(1);
                target = Terms.nonNegativeLong(t.elementAt(2), "db_paths");
            }
            out.add(new DbPath(java.nio.file.Path.of(b.directory(path, "db_paths")), target));
        }
        b.options.setDbPaths(out);
    }

    // ---- read and write options ---------------------------------------------------------------

    static final Table<ReadOptions> READ = new Table<ReadOptions>()
            .map("read_tier", oneOf(atoms(atom("read_all_tier", ReadTier.READ_ALL_TIER),
                    atom("block_cache_tier", ReadTier.BLOCK_CACHE_TIER),
                    atom("persisted_tier", ReadTier.PERSISTED_TIER), atom("memtable_tier", ReadTier.MEMTABLE_TIER))),
                    "ReadOptions.setReadTier", ReadOptions::setReadTier, Scope.READ)
            .map("verify_checksums", BOOL, "ReadOptions.setVerifyChecksums", ReadOptions::setVerifyChecksums, Scope.READ)
            .map("fill_cache", BOOL, "ReadOptions.setFillCache", ReadOptions::setFillCache, Scope.READ)
            .elsewhere("iterate_upper_bound", new Value<>("binary", null),
                    "ReadOptions.setIterateUpperBound (decoded by ReadSpec; iterators only)", Scope.READ)
            .elsewhere("iterate_lower_bound", new Value<>("binary", null),
                    "ReadOptions.setIterateLowerBound (decoded by ReadSpec; iterators only)", Scope.READ)
            .map("tailing", BOOL, "ReadOptions.setTailing", ReadOptions::setTailing, Scope.READ)
            .map("total_order_seek", BOOL, "ReadOptions.setTotalOrderSeek", ReadOptions::setTotalOrderSeek, Scope.READ)
            .map("prefix_same_as_start", BOOL, "ReadOptions.setPrefixSameAsStart", ReadOptions::setPrefixSameAsStart,
                    Scope.READ)
            .map("pin_data", BOOL, "ReadOptions.setPinData", ReadOptions::setPinData, Scope.READ)
            .elsewhere("snapshot", new Value<>("snapshot handle", null),
                    "ReadOptions.setSnapshot (decoded by ReadSpec, which leases the snapshot)", Scope.READ);

    static final Table<WriteOptions> WRITE = new Table<WriteOptions>()
            .map("sync", BOOL, "WriteOptions.setSync", WriteOptions::setSync, Scope.WRITE)
            .map("disable_wal", BOOL, "WriteOptions.setDisableWAL", WriteOptions::setDisableWAL, Scope.WRITE)
            .map("ignore_missing_column_families", BOOL, "WriteOptions.setIgnoreMissingColumnFamilies",
                    WriteOptions::setIgnoreMissingColumnFamilies, Scope.WRITE)
            .map("no_slowdown", BOOL, "WriteOptions.setNoSlowdown", WriteOptions::setNoSlowdown, Scope.WRITE)
            .map("low_pri", BOOL, "WriteOptions.setLowPri", WriteOptions::setLowPri, Scope.WRITE);

    // ---- the mappings --------------------------------------------------------------------------

    /** Open options: the RocksDB options and whether to open read-only. */
    record DbOpen(Options options, boolean readOnly) {}

    /** The options of an open without column family descriptors; path-valued keys are refused. */
    static DbOpen dbOptions(List<Option> opts) throws RequestException {
        return dbOptions(opts, new Options(), null);
    }

    /** As {@link #dbOptions(List)}, with path-valued keys confined by {@code guard}. */
    static DbOpen dbOptions(List<Option> opts, PathGuard guard) throws RequestException {
        return dbOptions(opts, new Options(), guard);
    }

    /** Sets {@code opts} on {@code o}, closing it when they are refused. */
    static DbOpen dbOptions(List<Option> opts, Options o) throws RequestException {
        return dbOptions(opts, o, null);
    }

    private static DbOpen dbOptions(List<Option> opts, Options o, PathGuard guard) throws RequestException {
        Build b = new Build(o, guard);
        try {
            DB_CF.apply(b, opts);
            return new DbOpen(o, b.readOnly);
        } catch (RequestException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** Open options of a DB opened with column family descriptors: its DB-wide options. */
    record DbOpenWithFamilies(DBOptions options, boolean readOnly) {}

    /**
     * The DB-wide options of {@code opts}, for an open with column family descriptors (whose own
     * options are {@link #columnFamilyOptions}); path-valued keys are refused.
     */
    static DbOpenWithFamilies dbWideOptions(List<Option> opts) throws RequestException {
        return dbWideOptions(opts, null);
    }

    /** As {@link #dbWideOptions(List)}, with path-valued keys confined by {@code guard}. */
    static DbOpenWithFamilies dbWideOptions(List<Option> opts, PathGuard guard) throws RequestException {
        DbOpen all = dbOptions(opts, new Options(), guard);
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

    /**
     * Whether {@code opts} give a column family a merge operator (the list was accepted, so the
     * operator is one rocksdbjni offers). RocksDB fails a merge into a family without one when
     * it is called alone, but a batch carrying such a merge stops every later write to the DB
     * until it is reopened, so writes check this at the door ({@link WriteBatchSpec}).
     */
    static boolean hasMergeOperator(List<Option> opts) {
        return opts.stream().anyMatch(o -> o.key().equals("merge_operator"));
    }

    /** Write options; the caller closes them. */
    static WriteOptions writeOptions(List<Option> opts) throws RequestException {
        return writeOptions(opts, new WriteOptions());
    }

    /** Sets {@code opts} on {@code w}, closing it when they are refused. */
    static WriteOptions writeOptions(List<Option> opts, WriteOptions w) throws RequestException {
        return applied(WRITE, w, opts);
    }

    /** {@code target} with {@code opts} set through {@code table}; closed when they are refused. */
    private static <T extends AutoCloseable> T applied(Table<T> table, T target, List<Option> opts)
            throws RequestException {
        try {
            table.apply(target, opts);
            return target;
        } catch (RequestException | RuntimeException e) {
            try {
                target.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Read options; the caller closes them. The snapshot and iterate bounds are {@link ReadSpec}'s. */
    static ReadOptions readOptions(List<Option> opts) throws RequestException {
        return readOptions(opts, new ReadOptions());
    }

    /** Sets {@code opts} on {@code r}, closing it when they are refused. */
    static ReadOptions readOptions(List<Option> opts, ReadOptions r) throws RequestException {
        return applied(READ, r, opts);
    }

    /**
     * Manual compaction options, as erlang-rocksdb's {@code compact_range_options()}:
     * {@code exclusive_manual_compaction}, {@code change_level}, {@code allow_write_stall}
     * (booleans), {@code target_level} (-1, RocksDB's default, or a level),
     * {@code max_subcompactions} (0, the DB's setting, up to {@link ThreadBudget#MAX_THREADS}:
     * RocksDB starts a thread for each); others ignored. The caller closes them.
     */
    static CompactRangeOptions compactRangeOptions(List<Option> opts) throws RequestException {
        return applied(COMPACT_RANGE, new CompactRangeOptions(), opts);
    }

    /** The keys of {@link #compactRangeOptions} (not in the README's table: not open options). */
    static final Table<CompactRangeOptions> COMPACT_RANGE = new Table<CompactRangeOptions>()
            .map("exclusive_manual_compaction", BOOL, "CompactRangeOptions.setExclusiveManualCompaction",
                    CompactRangeOptions::setExclusiveManualCompaction)
            .map("change_level", BOOL, "CompactRangeOptions.setChangeLevel", CompactRangeOptions::setChangeLevel)
            .map("target_level", new Value<>("-1 or integer ≥ 0", OptionsMapping::targetLevel),
                    "CompactRangeOptions.setTargetLevel", CompactRangeOptions::setTargetLevel)
            .map("allow_write_stall", BOOL, "CompactRangeOptions.setAllowWriteStall",
                    CompactRangeOptions::setAllowWriteStall)
            .map("max_subcompactions", new Value<>("integer 0.." + ThreadBudget.MAX_THREADS, OptionsMapping::subcompactions),
                    "CompactRangeOptions.setMaxSubcompactions", CompactRangeOptions::setMaxSubcompactions);

    /** -1 (RocksDB's default: the level the range's files are at) or a level. */
    private static int targetLevel(Option opt) throws RequestException {
        opt.expectArity(1);
        if (opt.value() instanceof com.ericsson.otp.erlang.OtpErlangLong l && l.isLong() && l.longValue() == UNLIMITED) {
            return UNLIMITED;
        }
        return opt.intAtLeast(0);
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
        return applied(FLUSH, new FlushOptions().setWaitForFlush(true), opts);
    }

    /** The keys of {@link #flushOptions} (not in the README's table: not open options). */
    static final Table<FlushOptions> FLUSH = new Table<FlushOptions>()
            .map("wait", BOOL, "FlushOptions.setWaitForFlush", FlushOptions::setWaitForFlush)
            .map("allow_write_stall", BOOL, "FlushOptions.setAllowWriteStall", FlushOptions::setAllowWriteStall);

    // ---- the README's table ---------------------------------------------------------------------

    /** The options table of the README (markdown): option, scope, values, effect. */
    static String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| option | scope | values | effect |\n| --- | --- | --- | --- |\n");
        rows(sb, DB_CF, "");
        rows(sb, READ, "");
        rows(sb, WRITE, "");
        return sb.toString();
    }

    private static void rows(StringBuilder sb, Table<?> table, String parent) {
        for (Entry<?> e : table.entries().values()) {
            String name = parent.isEmpty() ? "`" + e.key + "`" : parent + " › `" + e.key + "`";
            sb.append("| ").append(name)
                    .append(" | ").append(e.scopes.stream().map(Scope::label).collect(Collectors.joining(", ")))
                    .append(" | ").append(e.value.text())
                    .append(" | ").append(e.effect)
                    .append(" |\n");
            if (e.nested != null) {
                rows(sb, e.nested, name);
            }
        }
    }
}
