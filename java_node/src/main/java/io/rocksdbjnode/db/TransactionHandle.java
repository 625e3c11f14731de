package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.wire.RequestException;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.Transaction;
import org.rocksdb.WriteOptions;

/**
 * A transaction of an optimistic transaction DB: a child of its {@link DbHandle}, owned by the
 * process that began it. rocksdbjni's transactions are not thread-safe, so every use holds the
 * handle's monitor as well as a lease ({@link #use}); its iterators hold the same monitor, since
 * the transaction's writes change the batch they read.
 *
 * <p>RocksDB frees what a transaction's iterators read when it commits or rolls back, so each
 * {@link #end} starts a new generation: an iterator made in an earlier one is refused
 * ({@code closed_handle}) from then on, and the caller closes it.
 */
public final class TransactionHandle extends Handle {
    private final Transaction txn;
    private final WriteOptions writeOptions;
    private final DbHandle db;
    /** Commits and rollbacks so far; guarded by this handle's monitor. */
    private long generation;

    /** {@code writeOptions}: the options the transaction was begun with, freed after it. */
    TransactionHandle(OtpErlangRef ref, Ownership ownership, DbHandle db, Transaction txn, WriteOptions writeOptions) {
        super(ref, Kind.TRANSACTION, ownership, db);
        this.txn = txn;
        this.writeOptions = writeOptions;
        this.db = db;
    }

    /**
     * Counts a commit as its DB's synced write while it runs, when the transaction syncs
     * ({@link DbHandle#syncing}).
     */
    DbHandle.Syncing syncingCommit() {
        return db.syncing(writeOptions);
    }

    /** The open transaction {@code term} names: {@code badarg} otherwise. */
    public static TransactionHandle of(HandleTable table, OtpErlangObject term) throws RequestException {
        return table.lookup(term, "transaction", TransactionHandle.class, Kind.TRANSACTION);
    }

    /** The DB the transaction is of. */
    public DbHandle db() {
        return (DbHandle) parent();
    }

    /** A use of the native transaction. */
    @FunctionalInterface
    public interface Use<T> {
        T run(Transaction txn) throws RocksDBException, RequestException;
    }

    /**
     * Runs {@code use} leased and alone on the transaction ({@code closed_handle} once it is
     * closing); a RocksDB status it throws becomes {@code {error, {error, Text}}}.
     */
    public <T> T use(Use<T> use) throws RequestException {
        try (Lease l = lease()) {
            synchronized (this) {
                return use.run(txn);
            }
        } catch (RocksDBException e) {
            throw RequestException.status(Statuses.text(e));
        }
    }

    /**
     * Runs {@code end} (a commit or a rollback) as {@link #use} does, then starts a new
     * generation, whether it succeeded or not (a failed commit may have cleared the batch too),
     * and returns the iterators of the earlier ones, which the caller closes (not under this
     * monitor: their uses in flight wait on it).
     */
    <T> Ended<T> end(Use<T> end) throws RequestException {
        try (Lease l = lease()) {
            synchronized (this) {
                T result = null;
                RequestException failure = null;
                try {
                    result = end.run(txn);
                } catch (RocksDBException e) {
                    failure = RequestException.status(Statuses.text(e));
                }
                generation++;
                return new Ended<>(result, failure, staleIterators());
            }
        }
    }

    /** The outcome of {@link #end}: a result or a failure, and the iterators to close either way. */
    record Ended<T>(T result, RequestException failure, List<IteratorHandle> stale) {
        T get() throws RequestException {
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    private List<IteratorHandle> staleIterators() {
        List<IteratorHandle> out = new ArrayList<>();
        for (Handle child : children()) {
            if (child instanceof IteratorHandle it) {
                out.add(it);
            }
        }
        return out;
    }

    /**
     * The guard of an iterator made now (under this handle's monitor, inside a {@link #use}): it
     * refuses the iterator {@code ref} once the transaction has committed or rolled back.
     */
    IteratorHandle.Guard iteratorGuard(OtpErlangRef ref) {
        long madeIn = generation;
        return () -> {
            if (generation != madeIn) {
                throw RequestException.closedHandle(ref);
            }
        };
    }

    @Override
    protected void closeNative() {
        txn.close();
        writeOptions.close();
    }
}
