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
    private final RocksIterator iterator;
    private final ReadSpec spec;
    /** Whether the last use read a chunk: the next chunk goes on from where it stopped (see {@link IteratorChunks}). */
    private boolean chunking;

    /** {@code parent}: the DB, column family or transaction the iterator was made from, leased meanwhile. */
    IteratorHandle(OtpErlangRef ref, Ownership ownership, Handle parent, RocksIterator iterator, ReadSpec spec) {
        super(ref, Kind.ITERATOR, ownership, parent);
        this.iterator = iterator;
        this.spec = spec;
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

    /** Runs {@code use} leased and alone on the iterator ({@code closed_handle} once it is closing). */
    public <T> T use(Use<T> use) throws RequestException {
        try (Lease l = lease()) {
            synchronized (this) {
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
