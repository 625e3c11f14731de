package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SizeApproximationFlag;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * The read requests of docs/DATA_API.md: snapshots, iterators and their chunks (for the
 * client's folds), and the DB's properties and estimates.
 *
 * <p>Owners. A snapshot and an iterator are owned by the process that made them. The client
 * calls through short-lived proxy processes, so it names the owner: {@code {owner, Pid}} in an
 * iterator's read options, and in the options of {@code {snapshot, Db, Opts}}, the 2-arity form
 * of {@code snapshot/1} that only the client sends ({@code {snapshot, Db}}, as a bare shell
 * sends it, makes the caller the owner), as {@code give_away/4} is to {@code give_away/3}.
 */
public final class ReadOps {
    /** The default {@code --iterator-chunk}: the most bytes of entries in one chunk reply. */
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;

    private final HandleTable table;
    private final long chunkBytes;

    /** {@code chunkBytes}: the byte budget of one {@code iterator_chunk} reply. */
    public ReadOps(HandleTable table, long chunkBytes) {
        this.table = table;
        this.chunkBytes = chunkBytes;
    }

    public void register(Routes routes) {
        routes.add("snapshot", 2, Routes.Pool.QUICK, this::snapshot)
                .shorter("snapshot", 1, "snapshot", 2, a -> Routes.append(a, Routes.NO_OPTIONS))
                .add("release_snapshot", 1, Routes.Pool.QUICK, this::releaseSnapshot)
                .add("get_snapshot_sequence", 1, Routes.Pool.QUICK, this::snapshotSequence)
                .add("iterator", 2, Routes.Pool.QUICK, this::iterator)
                .add("iterator", 3, Routes.Pool.QUICK, this::iterator)
                .add("iterators", 3, Routes.Pool.QUICK, this::iterators)
                .add("iterator_move", 2, Routes.Pool.QUICK, this::iteratorMove)
                .add("iterator_refresh", 1, Routes.Pool.QUICK, this::iteratorRefresh)
                .add("iterator_close", 1, Routes.Pool.QUICK, this::iteratorClose)
                .add("iterator_chunk", 2, Routes.Pool.QUICK, this::iteratorChunk)
                .add("is_empty", 1, Routes.Pool.QUICK, this::isEmpty)
                .add("get_property", 2, Routes.Pool.QUICK, this::getProperty)
                .add("get_property", 3, Routes.Pool.QUICK, this::getProperty)
                .add("stats", 1, Routes.Pool.QUICK, this::stats)
                .add("stats", 2, Routes.Pool.QUICK, this::stats)
                .add("get_latest_sequence_number", 1, Routes.Pool.QUICK, this::latestSequence)
                .add("get_approximate_sizes", 3, Routes.Pool.QUICK, this::approximateSizes)
                .add("get_approximate_sizes", 4, Routes.Pool.QUICK, this::approximateSizes)
                .add("get_approximate_memtable_stats", 3, Routes.Pool.QUICK, this::memtableStats)
                .add("get_approximate_memtable_stats", 4, Routes.Pool.QUICK, this::memtableStats);
    }

    /** The target of a request whose arguments are {@code Db [, Cf], Rest...}, {@code Rest} {@code rest} long. */
    private Target target(Request r, int rest) throws RequestException {
        return r.arity() == rest + 1 ? Target.of(table, r.arg(0)) : Target.of(table, r.arg(0), r.arg(1));
    }

    // Snapshots.

    /** {@code {snapshot, Db, Opts}} -> {@code {ok, S}}; Opts: the client's {@code {owner, Pid}}. */
    OtpErlangObject snapshot(Request r) throws RequestException {
        DbHandle db = DbHandle.of(table, r.arg(0));
        Ownership owner = Ownership.extract(Option.parse(r.arg(1), "options"), r.from());
        return db.leased(d -> {
            Snapshot s = d.db().getSnapshot();
            SnapshotHandle h = table.addChild(ref -> new SnapshotHandle(ref, owner, d, s));
            return Terms.ok(h.ref());
        });
    }

    /** {@code {release_snapshot, S}} -> {@code ok}, also when it was released already (as erlang-rocksdb). */
    OtpErlangObject releaseSnapshot(Request r) throws RequestException {
        if (table.wasClosed(r.arg(0))) {
            return Terms.OK;
        }
        table.close(SnapshotHandle.of(table, r.arg(0)));
        return Terms.OK;
    }

    /** {@code {get_snapshot_sequence, S}} -> the snapshot's sequence number, a bare integer. */
    OtpErlangObject snapshotSequence(Request r) throws RequestException {
        SnapshotHandle s = SnapshotHandle.of(table, r.arg(0));
        try (Handle.Lease l = s.lease()) {
            return Terms.integer(s.snapshot().getSequenceNumber());
        }
    }

    // Iterators.

    /**
     * {@code {iterator, Db [, Cf], ReadOpts}} -> {@code {ok, It}}: a child of the column family
     * when one is given, else of the DB; owned by the {@code {owner, Pid}} of the read options.
     */
    OtpErlangObject iterator(Request r) throws RequestException {
        Target target = target(r, 1);
        List<Option> opts = Option.parse(r.arg(r.arity() - 1), "read_options");
        Ownership owner = Ownership.extract(opts, r.from());
        ReadSpec spec = ReadSpec.of(table, target.db(), opts);
        boolean[] handedOver = {false};
        try {
            return target.leased((db, cf) -> {
                RocksIterator it = db.newIterator(cf, spec.options());
                // From here the iterator's handle frees the spec, also when its add is refused.
                handedOver[0] = true;
                IteratorHandle h = table.addChild(ref -> new IteratorHandle(ref, owner, parentOf(target), it, spec));
                spec.releaseSnapshot();
                return Terms.ok(h.ref());
            });
        } catch (RequestException | RuntimeException e) {
            if (!handedOver[0]) {
                spec.close();
            }
            throw e;
        }
    }

    private static Handle parentOf(Target t) {
        return t.cf() != null ? t.cf() : t.db();
    }

    /**
     * {@code {iterators, Db, [Cf], ReadOpts}} -> {@code {ok, [It]}} in the order of the families:
     * iterators of one consistent view of the DB, each a child of its family.
     */
    OtpErlangObject iterators(Request r) throws RequestException {
        DbHandle db = DbHandle.of(table, r.arg(0));
        List<CfHandle> families = new ArrayList<>();
        for (OtpErlangObject cfTerm : Terms.elements(r.arg(1), "column_families")) {
            CfHandle cf = CfHandle.of(table, cfTerm);
            if (cf.db() != db) {
                throw RequestException.columnFamilyOfOtherDb(cf.ref());
            }
            families.add(cf);
        }
        List<Option> opts = Option.parse(r.arg(2), "read_options");
        Ownership owner = Ownership.extract(opts, r.from());
        if (families.isEmpty()) {
            return Terms.ok(Terms.list(List.of()));
        }
        // One spec, one share per iterator: each iterator's close (or refused add) frees its share.
        ReadSpec spec = ReadSpec.of(table, db, opts).sharedBy(families.size());
        List<Handle.Lease> leases = new ArrayList<>();
        List<RocksIterator> natives = List.of();
        List<IteratorHandle> made = new ArrayList<>();
        int taken = 0;
        try {
            leases.add(db.lease());
            List<ColumnFamilyHandle> cfs = new ArrayList<>();
            for (CfHandle cf : families) {
                leases.add(cf.lease());
                cfs.add(cf.columnFamily());
            }
            natives = db.db().newIterators(cfs, spec.options());
            for (int i = 0; i < natives.size(); i++) {
                RocksIterator it = natives.get(i);
                CfHandle parent = families.get(i);
                taken = i + 1;
                made.add(table.addChild(ref -> new IteratorHandle(ref, owner, parent, it, spec)));
            }
            spec.releaseSnapshot();
            List<OtpErlangObject> refs = new ArrayList<>();
            made.forEach(h -> refs.add(h.ref()));
            return Terms.ok(Terms.list(refs));
        } catch (RocksDBException e) {
            abandon(made, natives, taken, spec, families.size());
            throw RequestException.status(Statuses.text(e));
        } catch (RequestException | RuntimeException e) {
            abandon(made, natives, taken, spec, families.size());
            throw e;
        } finally {
            for (int i = leases.size() - 1; i >= 0; i--) {
                leases.get(i).close();
            }
        }
    }

    /**
     * Undoes an {@code iterators} call that failed: closes the iterators made, and frees the
     * natives and spec shares no handle took ({@code taken} of {@code shares} were).
     */
    private void abandon(List<IteratorHandle> made, List<RocksIterator> natives, int taken, ReadSpec spec, int shares) {
        made.forEach(table::close);
        for (int i = taken; i < shares; i++) {
            if (i < natives.size()) {
                natives.get(i).close();
            }
            spec.close();
        }
    }

    /**
     * {@code {iterator_move, It, Action}} -> {@code {ok, K, V}} | {@code {error, invalid_iterator}}:
     * Action {@code first}, {@code last}, {@code next}, {@code prev} (on an iterator on no entry:
     * {@code invalid_iterator}), a binary K or {@code {seek, K}}, {@code {seek_for_prev, K}}; a
     * seek target that is not a binary is {@code {error, einval}}, as with the NIF.
     */
    OtpErlangObject iteratorMove(Request r) throws RequestException {
        IteratorHandle h = IteratorHandle.of(table, r.arg(0));
        Move move = Move.of(r.arg(1));
        return h.use(it -> {
            h.chunking(false);
            move.apply(it);
            if (!it.isValid()) {
                try {
                    it.status();
                } catch (RocksDBException e) {
                    throw RequestException.status(Statuses.text(e));
                }
                throw RequestException.invalidIterator();
            }
            return Terms.tuple(Terms.OK, Terms.binary(it.key()), Terms.binary(it.value()));
        });
    }

    /** An iterator move, decoded at the door. */
    private record Move(String action, byte[] target) {
        static Move of(OtpErlangObject term) throws RequestException {
            String atom = Terms.atomName(term);
            if (atom != null) {
                return switch (atom) {
                    case "first", "last", "next", "prev" -> new Move(atom, null);
                    default -> throw RequestException.badArgument("action");
                };
            }
            if (term instanceof OtpErlangTuple t) {
                String kind = t.arity() == 2 ? Terms.atomName(t.elementAt(0)) : null;
                if (!"seek".equals(kind) && !"seek_for_prev".equals(kind)) {
                    throw RequestException.badArgument("action");
                }
                return new Move(kind, seekTarget(t.elementAt(1)));
            }
            return new Move("seek", seekTarget(term));
        }

        private static byte[] seekTarget(OtpErlangObject term) throws RequestException {
            if (term instanceof OtpErlangBinary b) {
                return b.binaryValue();
            }
            throw RequestException.einval();
        }

        void apply(RocksIterator it) throws RequestException {
            switch (action) {
                case "first" -> it.seekToFirst();
                case "last" -> it.seekToLast();
                case "next", "prev" -> {
                    if (!it.isValid()) {
                        throw RequestException.invalidIterator();
                    }
                    if (action.equals("next")) {
                        it.next();
                    } else {
                        it.prev();
                    }
                }
                case "seek" -> it.seek(target);
                default -> it.seekForPrev(target);
            }
        }
    }

    /** {@code {iterator_refresh, It}} -> {@code ok}: the iterator sees the DB as it is now, on no entry. */
    OtpErlangObject iteratorRefresh(Request r) throws RequestException {
        IteratorHandle h = IteratorHandle.of(table, r.arg(0));
        return h.use(it -> {
            h.chunking(false);
            try {
                it.refresh();
            } catch (RocksDBException e) {
                throw RequestException.status(Statuses.text(e));
            }
            return Terms.OK;
        });
    }

    /** {@code {iterator_close, It}} -> {@code ok}; a second close is {@code badarg}. */
    OtpErlangObject iteratorClose(Request r) throws RequestException {
        IteratorHandle h = IteratorHandle.of(table, r.arg(0));
        if (!table.close(h)) {
            throw RequestException.closedHandle(h.ref());
        }
        return Terms.OK;
    }

    /**
     * {@code {iterator_chunk, It, kv | keys}} -> {@code {ok, Entries, more | done}}, and
     * {@code {iterator_chunk, It, kv_packed | keys_packed}} (the client's folds) ->
     * {@code {ok, Binary, more | done}} ({@link IteratorChunks.Packed}): the first chunk of an
     * iterator (or the first after a move or refresh) starts at its first entry, each later one
     * where the last stopped (see {@link IteratorChunks}).
     */
    OtpErlangObject iteratorChunk(Request r) throws RequestException {
        IteratorHandle h = IteratorHandle.of(table, r.arg(0));
        String modeName = String.valueOf(Terms.atomName(r.arg(1)));
        IteratorChunks.Mode mode = switch (modeName) {
            case "kv", "kv_packed" -> IteratorChunks.Mode.KV;
            case "keys", "keys_packed" -> IteratorChunks.Mode.KEYS;
            default -> throw RequestException.badArgument("mode");
        };
        boolean packed = modeName.endsWith("_packed");
        return h.use(it -> {
            if (!h.chunking()) {
                it.seekToFirst();
                h.chunking(true);
            }
            try {
                if (packed) {
                    IteratorChunks.Packed p = IteratorChunks.readPacked(it, mode, chunkBytes, IteratorChunks.MAX_ENTRIES);
                    return Terms.tuple(Terms.OK, new OtpErlangBinary(Arrays.copyOf(p.data(), p.length())),
                            Terms.atom(p.done() ? "done" : "more"));
                }
                IteratorChunks.Chunk c = IteratorChunks.read(it, mode, chunkBytes, IteratorChunks.MAX_ENTRIES);
                return Terms.tuple(Terms.OK, Terms.list(c.entries()), Terms.atom(c.done() ? "done" : "more"));
            } catch (RocksDBException e) {
                throw RequestException.status(Statuses.text(e));
            }
        });
    }

    // Properties and estimates.

    /** {@code {is_empty, Db}} -> {@code true | false}. */
    OtpErlangObject isEmpty(Request r) throws RequestException {
        return Target.of(table, r.arg(0)).leased((db, cf) -> {
            try (RocksIterator it = db.newIterator(cf)) {
                it.seekToFirst();
                return it.isValid() ? Terms.FALSE : Terms.TRUE;
            }
        });
    }

    /** {@code {get_property, Db [, Cf], Name}} -> {@code {ok, Binary}} | {@code error} (no such property). */
    OtpErlangObject getProperty(Request r) throws RequestException {
        Target target = target(r, 1);
        String name = propertyName(r.arg(r.arity() - 1));
        return property(target, name);
    }

    /** {@code {stats, Db [, Cf]}}: the property {@code rocksdb.stats}. */
    OtpErlangObject stats(Request r) throws RequestException {
        return property(target(r, 0), "rocksdb.stats");
    }

    private static OtpErlangObject property(Target target, String name) throws RequestException {
        return target.leased((db, cf) -> {
            try {
                return Terms.ok(Terms.binary(db.getProperty(cf, name).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (RocksDBException unknown) {
                return Terms.ERROR;
            }
        });
    }

    private static String propertyName(OtpErlangObject term) throws RequestException {
        return Terms.string(term, "property");
    }

    /** {@code {get_latest_sequence_number, Db}} -> a bare integer. */
    OtpErlangObject latestSequence(Request r) throws RequestException {
        return Target.of(table, r.arg(0)).leased((db, cf) -> Terms.integer(db.getLatestSequenceNumber()));
    }

    /**
     * {@code {get_approximate_sizes, Db [, Cf], [{Start, Limit}], Flag}} -> {@code [Size]}; Flag
     * {@code none | include_memtables | include_files | include_both}. With {@code none} RocksDB
     * counts nothing (it refuses the call), so every size is 0.
     */
    OtpErlangObject approximateSizes(Request r) throws RequestException {
        Target target = target(r, 2);
        List<byte[][]> ranges = ranges(r.arg(r.arity() - 2));
        SizeApproximationFlag[] flags = switch (String.valueOf(Terms.atomName(r.arg(r.arity() - 1)))) {
            case "none" -> new SizeApproximationFlag[0];
            case "include_memtables" -> new SizeApproximationFlag[] {SizeApproximationFlag.INCLUDE_MEMTABLES};
            case "include_files" -> new SizeApproximationFlag[] {SizeApproximationFlag.INCLUDE_FILES};
            case "include_both" -> new SizeApproximationFlag[] {
                SizeApproximationFlag.INCLUDE_MEMTABLES, SizeApproximationFlag.INCLUDE_FILES};
            default -> throw RequestException.badArgument("size_approximation_flag");
        };
        if (flags.length == 0 || ranges.isEmpty()) {
            return Terms.list(ranges.stream().map(x -> (OtpErlangObject) Terms.integer(0)).toList());
        }
        List<Slice> slices = new ArrayList<>();
        try {
            List<org.rocksdb.Range> natives = new ArrayList<>();
            for (byte[][] range : ranges) {
                Slice start = new Slice(range[0]);
                slices.add(start);
                Slice limit = new Slice(range[1]);
                slices.add(limit);
                natives.add(new org.rocksdb.Range(start, limit));
            }
            return target.leased((db, cf) -> {
                List<OtpErlangObject> sizes = new ArrayList<>();
                for (long size : db.getApproximateSizes(cf, natives, flags)) {
                    sizes.add(Terms.integer(size));
                }
                return Terms.list(sizes);
            });
        } finally {
            slices.forEach(Slice::close);
        }
    }

    /** {@code [{Start, Limit}]}, binaries. */
    private static List<byte[][]> ranges(OtpErlangObject term) throws RequestException {
        List<byte[][]> out = new ArrayList<>();
        for (OtpErlangObject e : Terms.elements(term, "ranges")) {
            if (!(e instanceof OtpErlangTuple t) || t.arity() != 2) {
                throw RequestException.badArgument("ranges");
            }
            out.add(new byte[][] {Terms.bytes(t.elementAt(0), "ranges"), Terms.bytes(t.elementAt(1), "ranges")});
        }
        return out;
    }

    /** {@code {get_approximate_memtable_stats, Db [, Cf], Start, Limit}} -> {@code {ok, {Count, Size}}}. */
    OtpErlangObject memtableStats(Request r) throws RequestException {
        Target target = target(r, 2);
        byte[] start = Terms.bytes(r.arg(r.arity() - 2), "start_key");
        byte[] limit = Terms.bytes(r.arg(r.arity() - 1), "limit_key");
        try (Slice s = new Slice(start); Slice l = new Slice(limit)) {
            return target.leased((db, cf) -> {
                RocksDB.CountAndSize cs = db.getApproximateMemTableStats(cf, new org.rocksdb.Range(s, l));
                return Terms.ok(Terms.tuple(Terms.integer(cs.count), Terms.integer(cs.size)));
            });
        }
    }

}
