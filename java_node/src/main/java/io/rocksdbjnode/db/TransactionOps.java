package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.OptimisticTransactionDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Transaction;
import org.rocksdb.WriteOptions;

/**
 * The optimistic transaction DB and its transactions: {@code open_optimistic_transaction_db},
 * {@code transaction}, {@code transaction_put | get | delete | iterator | commit | rollback} and
 * {@code release_transaction}. The DB is a {@link DbHandle} like any other (an
 * {@link OptimisticTransactionDB} is a {@code RocksDB}, so every data request works on it); a
 * transaction is a {@link TransactionHandle}, child of its DB, owned by the caller.
 */
public final class TransactionOps {
    /** {@code open_optimistic_transaction_db/2}'s descriptors: the default family with no options. */
    private static final OtpErlangObject DEFAULT_FAMILY_ONLY =
            Terms.list(List.of(Terms.tuple(Terms.charlist("default"), Routes.NO_OPTIONS)));

    private final HandleTable table;
    private final DbOps dbs;
    private final PathGuard guard;

    /** {@code dbs}: the open path the transaction DB shares with every other open. */
    public TransactionOps(HandleTable table, DbOps dbs, PathGuard guard) {
        this.table = table;
        this.dbs = dbs;
        this.guard = guard;
    }

    public void register(Routes routes) {
        routes.add("open_optimistic_transaction_db", 3, Routes.Pool.LONG, this::open)
                .shorter("open_optimistic_transaction_db", 2, "open_optimistic_transaction_db", 3,
                        a -> Routes.append(a, DEFAULT_FAMILY_ONLY))
                .add("transaction", 2, Routes.Pool.QUICK, this::begin)
                .add("transaction_put", 3, Routes.Pool.QUICK, this::put)
                .add("transaction_put", 4, Routes.Pool.QUICK, this::put)
                .add("transaction_get", 3, Routes.Pool.QUICK, this::get)
                .add("transaction_get", 4, Routes.Pool.QUICK, this::get)
                .add("transaction_delete", 2, Routes.Pool.QUICK, this::delete)
                .add("transaction_delete", 3, Routes.Pool.QUICK, this::delete)
                .add("transaction_iterator", 2, Routes.Pool.QUICK, this::iterator)
                .add("transaction_iterator", 3, Routes.Pool.QUICK, this::iterator)
                .add("transaction_commit", 1, Routes.Pool.QUICK, this::commit)
                .add("transaction_rollback", 1, Routes.Pool.QUICK, this::rollback)
                .add("release_transaction", 1, Routes.Pool.QUICK, this::release);
    }

    /**
     * {@code {open_optimistic_transaction_db, Path, DbOpts, [{Name, CfOpts}]}} ->
     * {@code {ok, Db, [Cf]}}: always read-write (RocksDB has no read-only transaction DB).
     */
    OtpErlangObject open(Request r) throws RequestException {
        Path path = guard.resolve(r.arg(0), "path");
        List<Option> opts = Option.parse(r.arg(1), "options");
        Ownership ownership = Ownership.extract(opts, r.from());
        FamilyOpen families = FamilyOpen.of(opts, r.arg(2), false, OptimisticTransactionDB::open, guard);
        DbHandle db = dbs.openDb(path, ownership, families.plan());
        return families.reply(table, db);
    }

    /** {@code {transaction, Db, WriteOpts}} -> {@code {ok, Txn}}; the write options carry {@code {owner, Pid}}. */
    OtpErlangObject begin(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        List<Option> opts = Option.parse(r.arg(1), "write_options");
        Ownership ownership = Ownership.extract(opts, r.from());
        WriteOptions w = OptionsMapping.writeOptions(opts);
        try {
            TransactionHandle txn = h.leased(d -> {
                if (!(d.db() instanceof OptimisticTransactionDB tdb)) {
                    throw RequestException.notTransactionDb(d.ref());
                }
                Transaction begun = tdb.beginTransaction(w);
                return table.addChild(ref -> new TransactionHandle(ref, ownership, d, begun, w));
            });
            return Terms.ok(txn.ref());
        } catch (RequestException | RuntimeException e) {
            // Not begun, or begun and freed by addChild (with w): free w only if it is still ours.
            if (w.isOwningHandle()) {
                w.close();
            }
            throw e;
        }
    }

    /** {@code {transaction_put, Txn, [Cf,] K, V}} -> {@code ok}. */
    OtpErlangObject put(Request r) throws RequestException {
        TxnTarget t = TxnTarget.of(table, r, r.arity() == 4);
        int k = t.next();
        byte[] key = Terms.bytes(r.arg(k), "key");
        byte[] value = Terms.bytes(r.arg(k + 1), "value");
        return t.use((txn, cf) -> {
            txn.put(cf, key, value);
            return Terms.OK;
        });
    }

    /** {@code {transaction_get, Txn, [Cf,] K, ROpts}} -> {@code {ok, V} | not_found}, read for update (exclusive). */
    OtpErlangObject get(Request r) throws RequestException {
        TxnTarget t = TxnTarget.of(table, r, r.arity() == 4);
        int k = t.next();
        byte[] key = Terms.bytes(r.arg(k), "key");
        try (ReadSpec spec = ReadSpec.of(table, t.txn().db(), r.arg(k + 1), "read_options")) {
            return t.use((txn, cf) -> {
                byte[] v = txn.getForUpdate(spec.options(), cf, key, true);
                return v == null ? Terms.atom("not_found") : Terms.ok(Terms.binary(v));
            });
        }
    }

    /** {@code {transaction_delete, Txn, [Cf,] K}} -> {@code ok}. */
    OtpErlangObject delete(Request r) throws RequestException {
        TxnTarget t = TxnTarget.of(table, r, r.arity() == 3);
        byte[] key = Terms.bytes(r.arg(t.next()), "key");
        return t.use((txn, cf) -> {
            txn.delete(cf, key);
            return Terms.OK;
        });
    }

    /**
     * {@code {transaction_iterator, Txn, [Cf,] ROpts}} -> {@code {ok, It}}: the DB merged with the
     * transaction's own writes; the read options carry {@code {owner, Pid}}. It is closed when the
     * transaction commits, rolls back or closes.
     */
    OtpErlangObject iterator(Request r) throws RequestException {
        TxnTarget t = TxnTarget.of(table, r, r.arity() == 3);
        List<Option> opts = Option.parse(r.arg(t.next()), "read_options");
        Ownership ownership = Ownership.extract(opts, r.from());
        OtpErlangObject rest = Terms.list(opts.stream().map(Option::raw).toList());
        ReadSpec spec = ReadSpec.of(table, t.txn().db(), rest, "read_options");
        try {
            IteratorHandle it = t.use((txn, cf) -> {
                TransactionHandle owner = t.txn();
                RocksIterator made = txn.getIterator(spec.options(), cf);
                return table.addChild(ref -> new IteratorHandle(ref, ownership, owner, made, spec, owner,
                        owner.iteratorGuard(ref)));
            });
            // The iterator keeps its view after its snapshot is released, as in RocksDB.
            spec.releaseSnapshot();
            return Terms.ok(it.ref());
        } catch (RequestException | RuntimeException e) {
            spec.close(); // idempotent: a child that addChild refused has closed it already
            throw e;
        }
    }

    /** {@code {transaction_commit, Txn}} -> {@code ok}; a conflict is RocksDB's Busy status, {@code {error, {error, Text}}}. */
    OtpErlangObject commit(Request r) throws RequestException {
        TransactionHandle h = TransactionHandle.of(table, r.arg(0));
        try (DbHandle.Syncing s = h.syncingCommit()) {
            return end(h, txn -> {
                txn.commit();
                return Terms.OK;
            });
        }
    }

    /** {@code {transaction_rollback, Txn}} -> {@code ok}. */
    OtpErlangObject rollback(Request r) throws RequestException {
        return end(r, txn -> {
            txn.rollback();
            return Terms.OK;
        });
    }

    private OtpErlangObject end(Request r, TransactionHandle.Use<OtpErlangObject> how) throws RequestException {
        return end(TransactionHandle.of(table, r.arg(0)), how);
    }

    private OtpErlangObject end(TransactionHandle h, TransactionHandle.Use<OtpErlangObject> how) throws RequestException {
        TransactionHandle.Ended<OtpErlangObject> ended = h.end(how);
        for (Handle it : ended.stale()) {
            table.close(it);
        }
        return ended.get();
    }

    /** {@code {release_transaction, Txn}} -> {@code ok}, also for a transaction already released or closed with its DB. */
    OtpErlangObject release(Request r) throws RequestException {
        if (table.wasClosed(r.arg(0))) {
            return Terms.OK;
        }
        table.close(TransactionHandle.of(table, r.arg(0)));
        return Terms.OK;
    }

    /**
     * A transaction request's transaction and optional column family (which must be of the
     * transaction's DB), resolved at the door.
     */
    private record TxnTarget(TransactionHandle txn, CfHandle cf) {
        static TxnTarget of(HandleTable table, Request r, boolean withFamily) throws RequestException {
            TransactionHandle txn = TransactionHandle.of(table, r.arg(0));
            if (!withFamily) {
                return new TxnTarget(txn, null);
            }
            CfHandle cf = CfHandle.of(table, r.arg(1));
            if (cf.db() != txn.db()) {
                throw RequestException.columnFamilyOfOtherDb(cf.ref());
            }
            return new TxnTarget(txn, cf);
        }

        /** The index of the first argument after the transaction and the family. */
        int next() {
            return cf == null ? 1 : 2;
        }

        @FunctionalInterface
        interface Body<T> {
            T run(Transaction txn, ColumnFamilyHandle cf) throws RocksDBException, RequestException;
        }

        /** Runs {@code body} with the family (if any) and the transaction leased. */
        <T> T use(Body<T> body) throws RequestException {
            try (Handle.Lease c = cf == null ? null : cf.lease()) {
                return txn.use(t -> body.run(t, cf == null ? txn.db().defaultColumnFamily() : cf.columnFamily()));
            }
        }
    }
}
