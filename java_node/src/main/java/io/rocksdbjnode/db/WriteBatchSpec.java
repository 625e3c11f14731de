package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The operations of {@code write/3} (and of a client batch), decoded at the door into a native
 * {@link WriteBatch}, with a lease of each column family they name, held until {@link #close()}.
 *
 * <p>The operations, as erlang-rocksdb's {@code write/3} takes them: {@code {put, K, V}},
 * {@code {put, Cf, K, V}}, {@code {merge, K, V}}, {@code {merge, Cf, K, V}}, {@code {delete, K}},
 * {@code {delete, Cf, K}}, {@code {single_delete, K}}, {@code {single_delete, Cf, K}},
 * {@code {delete_range, B, E}}, {@code {delete_range, Cf, B, E}}. Anything else, a family that
 * is not open, or one of another DB than the write's, is {@code badarg}: nothing is written.
 */
final class WriteBatchSpec implements AutoCloseable {
    private WriteBatch batch;
    private final Map<CfHandle, Handle.Lease> leases = new IdentityHashMap<>();

    private WriteBatchSpec() {
        this.batch = new WriteBatch();
    }

    /**
     * The operations {@code opsTerm} for a write to {@code db}; {@code db} null: for no DB (only
     * the batch's size is wanted), the families may then be of any DB.
     */
    static WriteBatchSpec of(HandleTable table, DbHandle db, OtpErlangObject opsTerm) throws RequestException {
        WriteBatchSpec spec = new WriteBatchSpec();
        try {
            for (OtpErlangObject op : Terms.elements(opsTerm, "operations")) {
                spec.add(table, db, op);
            }
            return spec;
        } catch (RequestException | RuntimeException e) {
            spec.close();
            throw e;
        }
    }

    /**
     * The operations packed as the client sends them for {@code write_packed}: each
     * {@code <<Op:8, Family:16, Len:32, Bin, [Len:32, Bin]>>}, big-endian, Op 1 put, 2 merge,
     * 3 delete, 4 single_delete, 5 delete_range (put, merge and delete_range carry two binaries),
     * Family 0 the default family or N the Nth of {@code familiesTerm}, a list of column family
     * handles of {@code db}. Anything else is {@code {badarg, {bad_argument, operations}}}.
     */
    static WriteBatchSpec ofPacked(HandleTable table, DbHandle db, OtpErlangObject familiesTerm, byte[] packed)
            throws RequestException {
        WriteBatchSpec spec = new WriteBatchSpec();
        try {
            List<OtpErlangObject> familyTerms = Terms.elements(familiesTerm, "families");
            int[] ids = new int[familyTerms.size() + 1];
            boolean[] mergeable = new boolean[familyTerms.size() + 1];
            mergeable[0] = db.defaultMergeable();
            for (int i = 0; i < familyTerms.size(); i++) {
                OtpErlangObject f = familyTerms.get(i);
                ids[i + 1] = spec.family(table, db, f).getID();
                mergeable[i + 1] = CfHandle.of(table, f).mergeable();
            }
            byte[] rep = BatchRep.of(packed, ids, mergeable);
            spec.batch.close();
            spec.batch = new WriteBatch(rep);
            return spec;
        } catch (RequestException | RuntimeException e) {
            spec.close();
            throw e;
        }
    }

    private void add(HandleTable table, DbHandle db, OtpErlangObject op) throws RequestException {
        if (!(op instanceof OtpErlangTuple t) || t.arity() < 2) {
            throw RequestException.badArgument("operations");
        }
        String name = Terms.atomName(t.elementAt(0));
        int binaries = switch (name == null ? "" : name) {
            case "put", "merge", "delete_range" -> 2;
            case "delete", "single_delete" -> 1;
            default -> throw RequestException.badArgument("operations");
        };
        boolean withFamily = t.arity() == binaries + 2;
        if (!withFamily && t.arity() != binaries + 1) {
            throw RequestException.badArgument("operations");
        }
        ColumnFamilyHandle cf = withFamily ? family(table, db, t.elementAt(1)) : null;
        if (name.equals("merge") && db != null && !mergeable(table, db, withFamily ? t.elementAt(1) : null)) {
            throw RequestException.status(NO_MERGE_OPERATOR);
        }
        int at = withFamily ? 2 : 1;
        byte[] first = Terms.bytes(t.elementAt(at), "operations");
        byte[] second = binaries == 2 ? Terms.bytes(t.elementAt(at + 1), "operations") : null;
        apply(name, cf, first, second);
    }

    /** Adds one operation ({@code cf} null: the default family) to the batch. */
    private void apply(String name, ColumnFamilyHandle cf, byte[] first, byte[] second) throws RequestException {
        try {
            switch (name) {
                case "put" -> {
                    if (cf == null) batch.put(first, second); else batch.put(cf, first, second);
                }
                case "merge" -> {
                    if (cf == null) batch.merge(first, second); else batch.merge(cf, first, second);
                }
                case "delete_range" -> {
                    if (cf == null) batch.deleteRange(first, second); else batch.deleteRange(cf, first, second);
                }
                case "delete" -> {
                    if (cf == null) batch.delete(first); else batch.delete(cf, first);
                }
                default -> {
                    if (cf == null) batch.singleDelete(first); else batch.singleDelete(cf, first);
                }
            }
        } catch (RocksDBException e) {
            throw RequestException.status(Statuses.text(e));
        }
    }

    /**
     * RocksDB's own text when a batch merges into a family without a merge operator. Written,
     * such a batch would fail, and then every later write to the DB would fail until it is
     * reopened, so a batch with such a merge is refused whole, before it is written.
     */
    static final String NO_MERGE_OPERATOR =
            "Invalid argument: Merge requires `ColumnFamilyOptions::merge_operator != nullptr`";

    private static boolean mergeable(HandleTable table, DbHandle db, OtpErlangObject cfTerm) throws RequestException {
        return cfTerm == null ? db.defaultMergeable() : CfHandle.of(table, cfTerm).mergeable();
    }

    /** The family {@code term} names, leased (once per family) for as long as the batch. */
    private ColumnFamilyHandle family(HandleTable table, DbHandle db, OtpErlangObject term) throws RequestException {
        CfHandle cf = CfHandle.of(table, term);
        if (db != null && cf.db() != db) {
            throw RequestException.columnFamilyOfOtherDb(cf.ref());
        }
        if (!leases.containsKey(cf)) {
            leases.put(cf, cf.lease());
        }
        return cf.columnFamily();
    }

    /** The native batch; valid until {@link #close()}. */
    WriteBatch batch() {
        return batch;
    }

    /** The number of operations. */
    int count() {
        return batch.count();
    }

    @Override
    public void close() {
        batch.close();
        leases.values().forEach(Handle.Lease::close);
        leases.clear();
    }
}
