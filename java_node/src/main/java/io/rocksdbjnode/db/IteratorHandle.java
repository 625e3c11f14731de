package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.wire.RequestException;
import org.rocksdb.RocksIterator;

/**
 * An iterator: a child of what it iterates (a DB, a column family, a transaction), owned by the
 * process that made it. rocksdbjni's iterators are not thread-safe, so every use holds the
 * handle's monitor as well as a lease ({@link #use}). It keeps its {@link ReadSpec} (the bound
 * slices the native iterator points to) until it closes.
 */
public final class IteratorHandle extends Handle {
    /**
     * Whether the view an iterator reads still exists: checked before each use, under the
     * iterator's monitor. A transaction's commit or rollback frees what its iterators read.
     */
    @FunctionalInterface
    interface Guard {
        void check() throws RequestException;
    }

    private final RocksIterator iterator;
    private final ReadSpec spec;
    private final Object monitor;
    private final Guard guard;
    /** Whether the last use read a chunk: the next chunk goes on from where it stopped (see {@link IteratorChunks}). */
    private boolean chunking;

    /** {@code parent}: the DB, column family or transaction the iterator was made from, leased meanwhile. */
    IteratorHandle(OtpErlangRef ref, Ownership ownership, Handle parent, RocksIterator iterator, ReadSpec spec) {
        this(ref, ownership, parent, iterator, spec, null, () -> { });
    }

    /**
     * An iterator whose uses hold {@code monitor} (null: its own) and pass {@code guard} first:
     * a transaction's iterator holds the transaction's monitor, since the transaction's writes
     * change the batch it reads, and its guard refuses it once the transaction has ended.
     */
    IteratorHandle(OtpErlangRef ref, Ownership ownership, Handle parent, RocksIterator iterator, ReadSpec spec,
            Object monitor, Guard guard) {
        super(ref, Kind.ITERATOR, ownership, parent);
        this.iterator = iterator;
        this.spec = spec;
        this.monitor = monitor == null ? this : monitor;
        this.guard = guard;
    }

    /** The open iterator {@code term} names: {@code badarg} otherwise. */
    public static IteratorHandle of(HandleTable table, OtpErlangObject term) throws RequestException {
        return table.lookup(term, "iterator", IteratorHandle.class, Kind.ITERATOR);
    }

    /** A use of the native iterator. */
    @FunctionalInterface
    public interface Use<T> {
        T run(RocksIterator it) throws RequestException;
    }

    /**
     * Runs {@code use} leased and alone on the iterator ({@code closed_handle} once it is closing,
     * or once the view it reads is gone).
     */
    public <T> T use(Use<T> use) throws RequestException {
        try (Lease l = lease()) {
            synchronized (monitor) {
                guard.check();
                return use.run(iterator);
            }
        }
    }

    /** Whether the last use was a chunk read; only inside {@link #use}. */
    boolean chunking() {
        return chunking;
    }

    /** Records whether this use is a chunk read; only inside {@link #use}. */
    void chunking(boolean reading) {
        chunking = reading;
    }

    @Override
    protected void closeNative() {
        iterator.close();
        spec.close();
    }
}
