package io.rocksdbjnode.db;

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
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompactionPriority;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.PrepopulateBlobCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * The options table as a whole: every mapped key round-trips to its rocksdbjni getter (or, where
 * rocksdbjni has none, to the OPTIONS file RocksDB writes), every known key refuses values of the
 * wrong type, unknown keys are ignored, and a refused list closes its option object. The
 * property-style cases draw their inputs from a seeded {@link Random}, so a failure reproduces.
 */
class OptionsTableTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        RocksDB.loadLibrary();
    }

    static OtpErlangAtom a(String s) {
        return new OtpErlangAtom(s);
    }

    static OtpErlangTuple t(OtpErlangObject... es) {
        return new OtpErlangTuple(es);
    }

    static OtpErlangLong n(long v) {
        return new OtpErlangLong(v);
    }

    static OtpErlangAtom b(boolean v) {
        return a(String.valueOf(v));
    }

    static OtpErlangList l(OtpErlangObject... es) {
        return new OtpErlangList(es);
    }

    static List<Option> opts(OtpErlangObject... es) throws RequestException {
        return Option.parse(new OtpErlangList(es), "options");
    }

    static OtpErlangObject badArgument(String name) {
        return t(a("error"), t(a("badarg"), t(a("bad_argument"), a(name))));
    }

    /** A DB/CF key's sample value and what its getter must then read. */
    private record Sample(OtpErlangObject value, Function<Options, Object> getter, Object expected) {}

    private static final Map<String, Sample> DB_CF_SAMPLES = new LinkedHashMap<>();

    private static void s(String key, OtpErlangObject value, Function<Options, Object> getter, Object expected) {
        DB_CF_SAMPLES.put(key, new Sample(value, getter, expected));
    }

    static {
        s("total_threads", n(3), Options::maxBackgroundJobs, 3);
        s("create_if_missing", b(true), Options::createIfMissing, true);
        s("create_missing_column_families", b(true), Options::createMissingColumnFamilies, true);
        s("error_if_exists", b(true), Options::errorIfExists, true);
        s("paranoid_checks", b(false), Options::paranoidChecks, false);
        s("max_open_files", n(77), Options::maxOpenFiles, 77);
        s("max_total_wal_size", n(1234567), Options::maxTotalWalSize, 1234567L);
        s("use_fsync", b(true), Options::useFsync, true);
        s("delete_obsolete_files_period_micros", n(999), Options::deleteObsoleteFilesPeriodMicros, 999L);
        s("max_background_jobs", n(4), Options::maxBackgroundJobs, 4);
        s("max_log_file_size", n(4096), Options::maxLogFileSize, 4096L);
        s("log_file_time_to_roll", n(60), Options::logFileTimeToRoll, 60L);
        s("keep_log_file_num", n(7), Options::keepLogFileNum, 7L);
        s("max_manifest_file_size", n(1 << 20), Options::maxManifestFileSize, 1L << 20);
        s("table_cache_numshardbits", n(5), Options::tableCacheNumshardbits, 5);
        s("wal_ttl_seconds", n(600), Options::walTtlSeconds, 600L);
        s("manual_wal_flush", b(true), Options::manualWalFlush, true);
        s("wal_size_limit_mb", n(32), Options::walSizeLimitMB, 32L);
        s("manifest_preallocation_size", n(8192), Options::manifestPreallocationSize, 8192L);
        s("allow_mmap_reads", b(true), Options::allowMmapReads, true);
        s("allow_mmap_writes", b(true), Options::allowMmapWrites, true);
        s("allow_fallocate", b(false), Options::allowFAllocate, false);
        s("is_fd_close_on_exec", b(false), Options::isFdCloseOnExec, false);
        s("stats_dump_period_sec", n(30), Options::statsDumpPeriodSec, 30);
        s("advise_random_on_open", b(false), Options::adviseRandomOnOpen, false);
        s("compaction_readahead_size", n(4096), Options::compactionReadaheadSize, 4096L);
        s("use_adaptive_mutex", b(true), Options::useAdaptiveMutex, true);
        s("bytes_per_sync", n(1 << 20), Options::bytesPerSync, 1L << 20);
        s("skip_stats_update_on_db_open", b(true), Options::skipStatsUpdateOnDbOpen, true);
        s("wal_recovery_mode", a("point_in_time_recovery"), Options::walRecoveryMode, WALRecoveryMode.PointInTimeRecovery);
        s("allow_concurrent_memtable_write", b(false), Options::allowConcurrentMemtableWrite, false);
        s("enable_write_thread_adaptive_yield", b(false), Options::enableWriteThreadAdaptiveYield, false);
        s("db_write_buffer_size", n(1 << 22), Options::dbWriteBufferSize, 1L << 22);
        s("max_subcompactions", n(3), Options::maxSubcompactions, 3);
        s("atomic_flush", b(true), Options::atomicFlush, true);
        s("use_direct_reads", b(true), Options::useDirectReads, true);
        s("use_direct_io_for_flush_and_compaction", b(true), Options::useDirectIoForFlushAndCompaction, true);
        s("enable_pipelined_write", b(true), Options::enablePipelinedWrite, true);
        s("unordered_write", b(true), Options::unorderedWrite, true);
        s("two_write_queues", b(true), Options::twoWriteQueues, true);
        s("memtable_memory_budget", n(64L << 20), Options::writeBufferSize, (64L << 20) / 4);
        s("write_buffer_size", n(8L << 20), Options::writeBufferSize, 8L << 20);
        s("max_write_buffer_number", n(3), Options::maxWriteBufferNumber, 3);
        s("min_write_buffer_number_to_merge", n(2), Options::minWriteBufferNumberToMerge, 2);
        s("enable_blob_files", b(true), Options::enableBlobFiles, true);
        s("min_blob_size", n(100), Options::minBlobSize, 100L);
        s("blob_file_size", n(1 << 24), Options::blobFileSize, 1L << 24);
        s("ttl", n(3600), Options::ttl, 3600L);
        s("blob_compression_type", a("lz4"), Options::blobCompressionType, CompressionType.LZ4_COMPRESSION);
        s("enable_blob_garbage_collection", b(true), Options::enableBlobGarbageCollection, true);
        s("blob_garbage_collection_age_cutoff", new OtpErlangDouble(0.5), Options::blobGarbageCollectionAgeCutoff, 0.5);
        s("blob_garbage_collection_force_threshold", new OtpErlangDouble(0.75),
                Options::blobGarbageCollectionForceThreshold, 0.75);
        s("blob_compaction_readahead_size", n(2048), Options::blobCompactionReadaheadSize, 2048L);
        s("blob_file_starting_level", n(2), Options::blobFileStartingLevel, 2);
        s("prepopulate_blob_cache", a("flush_only"), Options::prepopulateBlobCache,
                PrepopulateBlobCache.PREPOPULATE_BLOB_FLUSH_ONLY);
        s("compression", a("zstd"), Options::compressionType, CompressionType.ZSTD_COMPRESSION);
        s("bottommost_compression", a("zlib"), Options::bottommostCompressionType, CompressionType.ZLIB_COMPRESSION);
        s("num_levels", n(5), Options::numLevels, 5);
        s("level0_file_num_compaction_trigger", n(6), Options::level0FileNumCompactionTrigger, 6);
        s("level0_slowdown_writes_trigger", n(30), Options::level0SlowdownWritesTrigger, 30);
        s("level0_stop_writes_trigger", n(40), Options::level0StopWritesTrigger, 40);
        s("target_file_size_base", n(16L << 20), Options::targetFileSizeBase, 16L << 20);
        s("target_file_size_multiplier", n(3), Options::targetFileSizeMultiplier, 3);
        s("max_bytes_for_level_base", n(128L << 20), Options::maxBytesForLevelBase, 128L << 20);
        s("max_bytes_for_level_multiplier", n(8), Options::maxBytesForLevelMultiplier, 8.0);
        s("max_compaction_bytes", n(1L << 30), Options::maxCompactionBytes, 1L << 30);
        s("arena_block_size", n(1 << 16), Options::arenaBlockSize, 1L << 16);
        s("disable_auto_compactions", b(true), Options::disableAutoCompactions, true);
        s("compaction_style", a("universal"), Options::compactionStyle, CompactionStyle.UNIVERSAL);
        s("compaction_pri", a("oldest_smallest_seq_first"), Options::compactionPriority,
                CompactionPriority.OldestSmallestSeqFirst);
        s("max_sequential_skip_in_iterations", n(16), Options::maxSequentialSkipInIterations, 16L);
        s("inplace_update_support", b(true), Options::inplaceUpdateSupport, true);
        s("inplace_update_num_locks", n(100), Options::inplaceUpdateNumLocks, 100L);
        s("level_compaction_dynamic_level_bytes", b(false), Options::levelCompactionDynamicLevelBytes, false);
        s("optimize_filters_for_hits", b(true), Options::optimizeFiltersForHits, true);
        s("block_based_table_options", l(t(a("block_size"), n(8192))),
                o -> ((BlockBasedTableConfig) o.tableFormatConfig()).blockSize(), 8192L);
    }

    /** Mapped keys rocksdbjni has no getter for: each has a test of its own below (OPTIONS file or behaviour). */
    private static final Set<String> CHECKED_ELSEWHERE = Set.of("read_only", "db_paths", "db_log_dir", "wal_dir",
            "compression_opts", "bottommost_compression_opts", "compaction_options_fifo", "prefix_extractor",
            "merge_operator", "comparator");

    private static Set<String> mappedKeys(OptionsMapping.Table<?> table) {
        return table.entries().values().stream()
                .filter(e -> e.kind == OptionsMapping.Entry.Kind.MAPPED)
                .map(e -> e.key)
                .collect(Collectors.toCollection(HashSet::new));
    }

    @Test
    void everyMappedDbAndCfKeyHasARoundTrip() {
        Set<String> covered = new HashSet<>(DB_CF_SAMPLES.keySet());
        covered.addAll(CHECKED_ELSEWHERE);
        assertEquals(mappedKeys(OptionsMapping.DB_CF), covered);
    }

    @Test
    void everyMappedDbAndCfKeyRoundTripsThroughItsGetter() throws Exception {
        for (Map.Entry<String, Sample> e : DB_CF_SAMPLES.entrySet()) {
            Sample s = e.getValue();
            try (Options o = OptionsMapping.dbOptions(opts(t(a(e.getKey()), s.value()))).options()) {
                assertEquals(s.expected(), s.getter().apply(o), e.getKey());
            }
        }
    }

    /** All the samples in one list, as a program written for erlang-rocksdb passes them. */
    @Test
    void allSamplesTogetherOpenADb() throws Exception {
        List<OtpErlangObject> all = new ArrayList<>();
        DB_CF_SAMPLES.forEach((k, s) -> {
            if (!Set.of("error_if_exists", "use_direct_reads", "use_direct_io_for_flush_and_compaction",
                    "allow_mmap_writes", "unordered_write", "enable_pipelined_write", "manual_wal_flush",
                    "atomic_flush", "compaction_style").contains(k)) {
                all.add(t(a(k), s.value()));
            }
        });
        all.add(t(a("create_if_missing"), b(true)));
        try (Options o = OptionsMapping.dbOptions(Option.parse(new OtpErlangList(all.toArray(new OtpErlangObject[0])), "o"))
                .options(); RocksDB db = RocksDB.open(o, tmp.resolve("all").toString())) {
            db.put("k".getBytes(), "v".getBytes());
            assertEquals("v", new String(db.get("k".getBytes())));
        }
    }

    @Test
    void everyReadAndWriteKeyRoundTrips() throws Exception {
        try (ReadOptions r = OptionsMapping.readOptions(opts(t(a("read_tier"), a("block_cache_tier")),
                t(a("verify_checksums"), b(false)), t(a("fill_cache"), b(false)), a("tailing"), a("total_order_seek"),
                a("prefix_same_as_start"), a("pin_data")))) {
            assertEquals(ReadTier.BLOCK_CACHE_TIER, r.readTier());
            assertFalse(r.verifyChecksums());
            assertFalse(r.fillCache());
            assertTrue(r.tailing());
            assertTrue(r.totalOrderSeek());
            assertTrue(r.prefixSameAsStart());
            assertTrue(r.pinData());
        }
        assertEquals(Set.of("read_tier", "verify_checksums", "fill_cache", "tailing", "total_order_seek",
                "prefix_same_as_start", "pin_data"), mappedKeys(OptionsMapping.READ));
        try (WriteOptions w = OptionsMapping.writeOptions(opts(a("sync"), a("disable_wal"),
                a("ignore_missing_column_families"), a("no_slowdown"), a("low_pri")))) {
            assertTrue(w.sync());
            assertTrue(w.disableWAL());
            assertTrue(w.ignoreMissingColumnFamilies());
            assertTrue(w.noSlowdown());
            assertTrue(w.lowPri());
        }
        assertEquals(Set.of("sync", "disable_wal", "ignore_missing_column_families", "no_slowdown", "low_pri"),
                mappedKeys(OptionsMapping.WRITE));
    }

    /** The read keys ReadSpec decodes are left alone here: get ignores them, as the NIF's does. */
    @Test
    void readSpecKeysAreNotDecodedHere() throws Exception {
        try (ReadOptions r = OptionsMapping.readOptions(opts(t(a("iterate_upper_bound"), n(1)),
                t(a("snapshot"), a("x")), t(a("iterate_lower_bound"), a("y"))))) {
            assertTrue(r.isOwningHandle());
        }
    }

    @Test
    void readOnlyIsTheNodesOwnKey() throws Exception {
        OptionsMapping.DbOpen open = OptionsMapping.dbOptions(opts(a("read_only")));
        try (Options o = open.options()) {
            assertTrue(open.readOnly());
        }
    }

    // ---- wrong types, unknown keys, refused lists (property-style, seeded) ----------------------

    /** Terms no decoder of the table takes for any key: floats above 1, integers below -1, unknown-tag tuples. */
    private static OtpErlangObject surelyWrong(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> new OtpErlangDouble(1.5 + rnd.nextDouble() * 1e6);
            case 1 -> n(-2 - rnd.nextInt(Integer.MAX_VALUE));
            case 2 -> new OtpErlangLong(BigInteger.ONE.shiftLeft(64 + rnd.nextInt(64)).negate());
            case 3 -> t(a("zz_" + rnd.nextInt(1000)), n(rnd.nextInt(100)));
            default -> t();
        };
    }

    private static Stream<OptionsMapping.Entry<?>> checkedEntries(OptionsMapping.Table<?> table) {
        return table.entries().values().stream()
                .<OptionsMapping.Entry<?>>map(e -> e)
                .filter(e -> e.kind != OptionsMapping.Entry.Kind.ELSEWHERE && e.value != OptionsMapping.ANY);
    }

    @Test
    void everyKnownKeyRefusesWrongTypes() {
        Random rnd = new Random(7);
        for (int round = 0; round < 20; round++) {
            for (OptionsMapping.Entry<?> e : checkedEntries(OptionsMapping.DB_CF).toList()) {
                OtpErlangObject wrong = surelyWrong(rnd);
                Options o = new Options();
                RequestException ex = assertThrows(RequestException.class,
                        () -> OptionsMapping.dbOptions(opts(a("create_if_missing"), t(a(e.key), wrong)), o),
                        e.key + " took " + wrong);
                assertEquals(badArgument(e.key), ex.reply(), e.key + " " + wrong);
                assertFalse(o.isOwningHandle(), "Options of a refused list left open");
            }
            for (OptionsMapping.Entry<?> e : checkedEntries(OptionsMapping.READ).toList()) {
                OtpErlangObject wrong = surelyWrong(rnd);
                ReadOptions r = new ReadOptions();
                RequestException ex = assertThrows(RequestException.class,
                        () -> OptionsMapping.readOptions(opts(t(a(e.key), wrong)), r));
                assertEquals(badArgument(e.key), ex.reply());
                assertFalse(r.isOwningHandle());
            }
            for (OptionsMapping.Entry<?> e : checkedEntries(OptionsMapping.WRITE).toList()) {
                OtpErlangObject wrong = surelyWrong(rnd);
                WriteOptions w = new WriteOptions();
                RequestException ex = assertThrows(RequestException.class,
                        () -> OptionsMapping.writeOptions(opts(t(a(e.key), wrong)), w));
                assertEquals(badArgument(e.key), ex.reply());
                assertFalse(w.isOwningHandle());
            }
        }
    }

    /** A key with two values ({Key, V1, V2}) is refused whatever the values. */
    @Test
    void everyKnownKeyTakesExactlyOneValue() {
        for (OptionsMapping.Entry<?> e : checkedEntries(OptionsMapping.DB_CF).toList()) {
            RequestException ex = assertThrows(RequestException.class,
                    () -> OptionsMapping.dbOptions(opts(t(a(e.key), a("true"), a("true")))), e.key);
            assertEquals(badArgument(e.key), ex.reply());
        }
    }

    @Test
    void nestedKeysRefuseWrongTypesByTheirOwnName() {
        Random rnd = new Random(11);
        Map<String, OptionsMapping.Table<?>> nested = Map.of("block_based_table_options", OptionsMapping.BLOCK_BASED_TABLE,
                "compression_opts", OptionsMapping.COMPRESSION_OPTIONS,
                "bottommost_compression_opts", OptionsMapping.COMPRESSION_OPTIONS,
                "compaction_options_fifo", OptionsMapping.FIFO_OPTIONS);
        for (int round = 0; round < 10; round++) {
            for (Map.Entry<String, OptionsMapping.Table<?>> n : nested.entrySet()) {
                for (OptionsMapping.Entry<?> sub : checkedEntries(n.getValue()).toList()) {
                    OtpErlangObject wrong = surelyWrong(rnd);
                    RequestException ex = assertThrows(RequestException.class, () -> OptionsMapping.dbOptions(
                            opts(t(a(n.getKey()), l(t(a("unknown_sub_key"), n(1)), t(a(sub.key), wrong))))));
                    assertEquals(badArgument(sub.key), ex.reply(), n.getKey() + "/" + sub.key);
                }
                RequestException ex = assertThrows(RequestException.class,
                        () -> OptionsMapping.dbOptions(opts(t(a(n.getKey()), a("not_a_list")))));
                assertEquals(badArgument(n.getKey()), ex.reply());
            }
        }
    }

    /** A refused nested list closes the native objects it made before the bad entry (here an LRU cache). */
    @Test
    void refusedNestedListClosesItsNatives() {
        List<OptionsMapping.TableConfig> made = new ArrayList<>();
        OptionsMapping.Value<OptionsMapping.TableConfig> v = OptionsMapping.listOf(OptionsMapping.BLOCK_BASED_TABLE, () -> {
            OptionsMapping.TableConfig c = new OptionsMapping.TableConfig();
            made.add(c);
            return c;
        });
        assertThrows(RequestException.class, () -> v.decoder().decode(opts(t(a("block_based_table_options"),
                l(t(a("block_cache_size"), n(1 << 20)), t(a("bloom_filter_policy"), n(10)),
                        t(a("block_size"), n(-1))))).get(0)));
        assertEquals(1, made.size());
        assertTrue(made.get(0).natives.isEmpty(), "natives not closed");
    }

    @Test
    void unknownKeysAreIgnored() throws Exception {
        Random rnd = new Random(3);
        Set<String> known = new HashSet<>(OptionsMapping.DB_CF.entries().keySet());
        known.addAll(OptionsMapping.READ.entries().keySet());
        known.addAll(OptionsMapping.WRITE.entries().keySet());
        for (int round = 0; round < 50; round++) {
            String key = "opt_" + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36);
            if (known.contains(key)) {
                continue;
            }
            OtpErlangObject junk = surelyWrong(rnd);
            OptionsMapping.DbOpen open = OptionsMapping.dbOptions(opts(t(a(key), junk), a(key + "_bare"),
                    t(a(key), junk, junk), t(a("max_open_files"), n(round))));
            try (Options o = open.options()) {
                assertEquals(round, o.maxOpenFiles());
            }
            try (ReadOptions r = OptionsMapping.readOptions(opts(t(a(key), junk), a("tailing")))) {
                assertTrue(r.tailing());
            }
            try (WriteOptions w = OptionsMapping.writeOptions(opts(t(a(key), junk), a("sync")))) {
                assertTrue(w.sync());
            }
        }
    }

    /** Accepted-and-ignored keys are still type-checked, and a good value changes nothing. */
    @Test
    void ignoredKeysAreCheckedAndHaveNoEffect() throws Exception {
        try (Options o = OptionsMapping.dbOptions(opts(t(a("env"), a("memenv")), t(a("access_hint"), a("sequential")),
                t(a("max_background_compactions"), n(4)), t(a("in_memory"), b(true)), t(a("filter_deletes"), b(true)),
                t(a("skip_log_error_on_recovery"), a("whatever")), t(a("in_memory_mode"), b(true)),
                t(a("block_cache_size_mb_for_point_lookup"), n(8)), t(a("table_factory_block_cache_size"), n(8)))).options();
                Options defaults = new Options()) {
            assertEquals(defaults.maxBackgroundCompactions(), o.maxBackgroundCompactions());
            assertEquals(defaults.getEnv().getClass(), o.getEnv().getClass());
        }
        assertEquals(badArgument("env"), assertThrows(RequestException.class,
                () -> OptionsMapping.dbOptions(opts(t(a("env"), a("ramdisk"))))).reply());
        assertEquals(badArgument("rate_limiter"), assertThrows(RequestException.class,
                () -> OptionsMapping.dbOptions(opts(t(a("rate_limiter"), a("fast"))))).reply());
    }

    /** Sizes RocksDB allocates in one piece stop at 1 GiB: a failed allocation there aborts the JVM. */
    @Test
    void allocationSizesAreBounded() throws Exception {
        for (String key : List.of("arena_block_size", "compaction_readahead_size", "blob_compaction_readahead_size")) {
            try (Options o = OptionsMapping.dbOptions(opts(t(a(key), n(1L << 30)))).options()) {
                assertTrue(o.isOwningHandle());
            }
            assertEquals(badArgument(key), assertThrows(RequestException.class,
                    () -> OptionsMapping.dbOptions(opts(t(a(key), n((1L << 30) + 1))))).reply());
        }
        assertEquals(badArgument("inplace_update_num_locks"), assertThrows(RequestException.class,
                () -> OptionsMapping.dbOptions(opts(t(a("inplace_update_num_locks"), n((1L << 20) + 1))))).reply());
    }

    // ---- keys without getters --------------------------------------------------------------------

    /** The newest OPTIONS file RocksDB wrote for the DB at {@code dir}. */
    static String optionsFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Path newest = files.filter(p -> p.getFileName().toString().startsWith("OPTIONS-"))
                    .max((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()))
                    .orElseThrow();
            return Files.readString(newest);
        }
    }

    private String openAndReadOptionsFile(String name, OtpErlangObject... extra) throws Exception {
        Path dir = tmp.resolve(name);
        List<OtpErlangObject> all = new ArrayList<>(List.of(extra));
        all.add(a("create_if_missing"));
        try (Options o = OptionsMapping.dbOptions(Option.parse(new OtpErlangList(all.toArray(new OtpErlangObject[0])), "o"),
                new PathGuard(List.of(tmp))).options(); RocksDB db = RocksDB.open(o, dir.toString())) {
            db.put("k".getBytes(), "v".getBytes());
        }
        return optionsFile(dir);
    }

    @Test
    void nestedListsReachTheOptionsFile() throws Exception {
        String file = openAndReadOptionsFile("nested",
                t(a("compression_opts"), l(t(a("level"), n(3)), t(a("max_dict_bytes"), n(4096)), a("enabled"))),
                t(a("bottommost_compression_opts"), l(t(a("window_bits"), n(12)), t(a("strategy"), n(1)),
                        t(a("zstd_max_train_bytes"), n(8192)))),
                t(a("compaction_options_fifo"), l(t(a("max_table_files_size"), n(1L << 30)), a("allow_compaction"),
                        t(a("age_for_warm"), n(10)))),
                t(a("block_based_table_options"), l(t(a("block_size"), n(16384)), t(a("block_cache_size"), n(8L << 20)),
                        t(a("bloom_filter_policy"), n(10)), t(a("format_version"), n(5)), a("cache_index_and_filter_blocks"),
                        a("pin_l0_filter_and_index_blocks_in_cache"), t(a("partition_filters"), b(false)),
                        t(a("no_block_cache"), b(false)))),
                t(a("comparator"), a("reverse_bytewise_comparator")),
                t(a("prefix_extractor"), t(a("capped_prefix_transform"), n(3))),
                t(a("merge_operator"), a("uint64add")));
        assertContains(file, "compression_opts={", "level=3;", "max_dict_bytes=4096;", "enabled=true;");
        assertContains(file, "bottommost_compression_opts={", "window_bits=12;", "strategy=1;", "zstd_max_train_bytes=8192;");
        assertContains(file, "compaction_options_fifo={", "allow_compaction=true;", "max_table_files_size=1073741824;");
        assertContains(file, "block_size=16384", "format_version=5", "cache_index_and_filter_blocks=true",
                "pin_l0_filter_and_index_blocks_in_cache=true", "bloomfilter", "block_cache=");
        assertContains(file, "comparator=rocksdb.ReverseBytewiseComparator", "prefix_extractor=rocksdb.CappedPrefix.3",
                "merge_operator=UInt64AddOperator");
    }

    @Test
    void pathOptionsAreConfinedByTheGuard() throws Exception {
        Path wal = tmp.resolve("wal");
        Path log = tmp.resolve("log");
        Path data = tmp.resolve("data");
        String file = openAndReadOptionsFile("paths", t(a("wal_dir"), new OtpErlangBinary(wal.toString().getBytes())),
                t(a("db_log_dir"), new com.ericsson.otp.erlang.OtpErlangString(log.toString())),
                t(a("db_paths"), l(t(a("db_path"), new OtpErlangBinary(data.toString().getBytes()), n(1 << 30)))));
        assertContains(file, "wal_dir=" + wal, "db_log_dir=" + log);
        try (Options o = OptionsMapping.dbOptions(opts(t(a("db_paths"), l(new OtpErlangBinary(data.toString().getBytes()),
                t(a("db_path"), new OtpErlangBinary(log.toString().getBytes()), n(7))))), new PathGuard(List.of(tmp))).options()) {
            assertEquals(List.of(new org.rocksdb.DbPath(data, 0), new org.rocksdb.DbPath(log, 7)), o.dbPaths());
        }
        try (Stream<Path> files = Files.list(wal)) {
            assertTrue(files.findAny().isPresent(), "WAL dir empty");
        }
        OtpErlangObject outside = new OtpErlangBinary("/".getBytes());
        OtpErlangObject forbidden = t(a("error"), t(a("forbidden_path"), outside));
        PathGuard guard = new PathGuard(List.of(tmp));
        assertEquals(forbidden, assertThrows(RequestException.class,
                () -> OptionsMapping.dbOptions(opts(t(a("wal_dir"), outside)), guard)).reply());
        // Without a guard (an open that did not pass one) no path option is taken.
        assertEquals(t(a("error"), t(a("forbidden_path"), new OtpErlangBinary(wal.toString().getBytes()))),
                assertThrows(RequestException.class, () -> OptionsMapping.dbOptions(
                        opts(t(a("wal_dir"), new OtpErlangBinary(wal.toString().getBytes()))))).reply());
        assertEquals(badArgument("db_paths"), assertThrows(RequestException.class,
                () -> OptionsMapping.dbOptions(opts(t(a("db_paths"), a("x"))), guard)).reply());
    }

    /** db.erl's prefix extractor cases: fixed and capped prefixes of 1 byte, then a full scan. */
    @Test
    void prefixExtractorsKeepTotalOrderScans() throws Exception {
        for (String kind : List.of("fixed_prefix_transform", "capped_prefix_transform")) {
            Path dir = tmp.resolve(kind);
            try (Options o = OptionsMapping.dbOptions(opts(a("create_if_missing"),
                    t(a("prefix_extractor"), t(a(kind), n(1))))).options(); RocksDB db = RocksDB.open(o, dir.toString())) {
                db.put("k1".getBytes(), "a".getBytes());
                db.put("k2".getBytes(), "b".getBytes());
                List<String> keys = new ArrayList<>();
                try (ReadOptions r = new ReadOptions().setTotalOrderSeek(true); var it = db.newIterator(r)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        keys.add(new String(it.key()));
                    }
                }
                assertEquals(List.of("k1", "k2"), keys);
            }
        }
        assertEquals(badArgument("prefix_extractor"), assertThrows(RequestException.class,
                () -> OptionsMapping.dbOptions(opts(t(a("prefix_extractor"), t(a("fixed_prefix_transform"), n(-1)))))).reply());
    }

    /** Every table format version the table takes opens (RocksDB 11.8 knows 0 to 7; 8 is badarg). */
    @Test
    void formatVersionsOpen() throws Exception {
        for (int v = 0; v <= 7; v++) {
            String file = openAndReadOptionsFile("fv" + v, t(a("block_based_table_options"), l(t(a("format_version"), n(v)))));
            assertContains(file, "format_version=");
            if (v >= 2) {
                assertContains(file, "format_version=" + v);
            }
        }
        assertEquals(badArgument("format_version"), assertThrows(RequestException.class, () -> OptionsMapping.dbOptions(
                opts(t(a("block_based_table_options"), l(t(a("format_version"), n(8))))))).reply());
    }

    private static void assertContains(String text, String... parts) {
        for (String p : parts) {
            assertTrue(text.contains(p), "no " + p + " in:\n" + text);
        }
    }
}
