package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The writes beyond {@code put/4} and {@code delete/3}: their column family forms, single
 * deletes, range deletes, merges, and {@code write/3}, a list of operations written atomically
 * as one RocksDB batch. Also {@code batch_data_size}, the client's question about a batch it
 * keeps (docs/DATA_API.md, "Batches live in the client").
 */
public final class WriteOps {
    private final HandleTable table;

    public WriteOps(HandleTable table) {
        this.table = table;
    }

    public void register(Routes routes) {
        routes.add("put", 5, Routes.Pool.QUICK, r -> write(r, 2, (db, cf, w, k, v) -> db.put(cf, w, k, v)))
                .add("delete", 4, Routes.Pool.QUICK, r -> write(r, 1, (db, cf, w, k, v) -> db.delete(cf, w, k)))
                .add("single_delete", 3, Routes.Pool.QUICK,
                        r -> write(r, 1, (db, cf, w, k, v) -> db.singleDelete(cf, w, k)))
                .add("single_delete", 4, Routes.Pool.QUICK,
                        r -> write(r, 1, (db, cf, w, k, v) -> db.singleDelete(cf, w, k)))
                .add("delete_range", 4, Routes.Pool.QUICK,
                        r -> write(r, 2, (db, cf, w, b, e) -> db.deleteRange(cf, w, b, e)))
                .add("delete_range", 5, Routes.Pool.QUICK,
                        r -> write(r, 2, (db, cf, w, b, e) -> db.deleteRange(cf, w, b, e)))
                .add("merge", 4, Routes.Pool.QUICK, r -> write(r, 2, (db, cf, w, k, v) -> db.merge(cf, w, k, v)))
                .add("merge", 5, Routes.Pool.QUICK, r -> write(r, 2, (db, cf, w, k, v) -> db.merge(cf, w, k, v)))
                .add("write", 3, Routes.Pool.QUICK, this::writeOps)
                .add("write_packed", 4, Routes.Pool.QUICK, this::writePacked)
                .add("batch_data_size", 1, Routes.Pool.QUICK, this::batchDataSize);
    }

    /** One write of one or two binaries ({@code second} null for one) to a family. */
    @FunctionalInterface
    private interface SingleWrite {
        void run(RocksDB db, ColumnFamilyHandle cf, WriteOptions w, byte[] first, byte[] second) throws RocksDBException;
    }

    /**
     * A request {@code {Name, Db, [Cf,] Bin1, [Bin2,] WriteOpts}} carrying {@code binaries}
     * binaries: the family is there when the request has one argument more than that.
     */
    private OtpErlangObject write(Request r, int binaries, SingleWrite op) throws RequestException {
        boolean withFamily = r.arity() == binaries + 3;
        Target t = withFamily ? Target.of(table, r.arg(0), r.arg(1)) : Target.of(table, r.arg(0));
        int at = withFamily ? 2 : 1;
        byte[] first = Terms.bytes(r.arg(at), binaries == 1 ? "key" : firstName(r.name()));
        byte[] second = binaries == 2 ? Terms.bytes(r.arg(at + 1), secondName(r.name())) : null;
        try (WriteOptions w = OptionsMapping.writeOptions(Option.parse(r.arg(at + binaries), "write_options"))) {
            return t.leasedWrite(w, (db, cf) -> {
                op.run(db, cf, w, first, second);
                return Terms.OK;
            });
        }
    }

    private static String firstName(String request) {
        return request.equals("delete_range") ? "begin_key" : "key";
    }

    private static String secondName(String request) {
        return switch (request) {
            case "delete_range" -> "end_key";
            case "merge" -> "operand";
            default -> "value";
        };
    }

    /** {@code {write, Db, Ops, WriteOpts}} -> {@code ok}: the operations, atomically. */
    OtpErlangObject writeOps(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        try (WriteOptions w = OptionsMapping.writeOptions(Option.parse(r.arg(2), "write_options"));
                WriteBatchSpec batch = WriteBatchSpec.of(table, h, r.arg(1))) {
            return new Target(h, null).leasedWrite(w, (db, cf) -> {
                db.write(w, batch.batch());
                return Terms.OK;
            });
        }
    }

    /**
     * {@code {write_packed, Db, Families, Packed, WriteOpts}} -> {@code ok}: what the client's
     * {@code write/3} and {@code write_batch/3} send, the operations packed into one binary
     * ({@link WriteBatchSpec#ofPacked}); the same write as {@code {write, Db, Ops, WriteOpts}},
     * without a term per operation to decode.
     */
    OtpErlangObject writePacked(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        byte[] packed = Terms.bytes(r.arg(2), "operations");
        try (WriteOptions w = OptionsMapping.writeOptions(Option.parse(r.arg(3), "write_options"));
                WriteBatchSpec batch = WriteBatchSpec.ofPacked(table, h, r.arg(1), packed)) {
            return new Target(h, null).leasedWrite(w, (db, cf) -> {
                db.write(w, batch.batch());
                return Terms.OK;
            });
        }
    }

    /**
     * {@code {batch_data_size, Ops}} -> the size in bytes of RocksDB's serialized batch of those
     * operations (its 12-byte header included). The families may be of any DB: only their ids
     * count.
     */
    OtpErlangObject batchDataSize(Request r) throws RequestException {
        try (WriteBatchSpec batch = WriteBatchSpec.of(table, null, r.arg(0))) {
            return Terms.integer(batch.batch().getDataSize());
        }
    }
}
