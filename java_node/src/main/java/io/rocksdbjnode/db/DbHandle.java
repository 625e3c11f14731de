package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;
import org.rocksdb.RocksDBException;

/**
 * An open database: the RocksDB instance and the option objects it was opened with (freed after
 * it). Its column families, iterators, snapshots and transactions are its children
 * ({@link Handle}): they close before it does.
 */
public final class DbHandle extends Handle {
    private static final Logger LOG = Logger.getLogger(DbHandle.class.getName());

    private final RocksDB db;
    private final ColumnFamilyHandle defaultCf;
    private final List<? extends AutoCloseable> options;
    private final boolean readOnly;
    private final boolean defaultMergeable;
    /** Serializes family creations: rocksdbjni records the handles it makes in a plain list. */
    private final Object creatingFamily = new Object();
    /** Synced writes running now: see {@link #syncedWriteRunning()}. */
    private final AtomicInteger syncedWrites = new AtomicInteger();

    /** What {@link #syncing} returns: ends the count of one synced write. */
    interface Syncing extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code options}: the option objects of the open (DB and column family), freed after the DB. */
    DbHandle(OtpErlangRef ref, Ownership ownership, RocksDB db, List<? extends AutoCloseable> options,
            DirectoryClaims.Held claim, boolean readOnly, boolean defaultMergeable) {
        super(ref, Kind.DB, ownership, claim);
        this.db = db;
        this.defaultCf = db.getDefaultColumnFamily();
        this.options = options;
        this.readOnly = readOnly;
        this.defaultMergeable = defaultMergeable;
    }

    /**
     * Counts a write with {@code w} as running until the returned {@link Syncing} is closed, when
     * {@code w} syncs. RocksDB lets an unsynced write join a synced one's write group and wait for
     * its fsync; the reader thread, which serves other requests between writes, keeps its writes
     * out of that wait by handing them to the pool while a synced write runs ({@link NonBlocking}).
     * The pool's writes count through {@link Target#leasedWrite}, a transaction's commit through
     * {@link TransactionHandle}.
     */
    Syncing syncing(WriteOptions w) {
        if (!w.sync()) {
            return () -> { };
        }
        syncedWrites.incrementAndGet();
        return syncedWrites::decrementAndGet;
    }

    /** Whether a synced write of this DB is running (see {@link #syncing}). */
    public boolean syncedWriteRunning() {
        return syncedWrites.get() > 0;
    }

    /** Whether the default column family has a merge operator. */
    public boolean defaultMergeable() {
        return defaultMergeable;
    }

    /**
     * The open DB {@code term} names in {@code table}: a {@code badarg} for a reference that is
     * unknown, closed, or names a handle of another kind.
     */
    public static DbHandle of(HandleTable table, OtpErlangObject term) throws RequestException {
        Handle h = table.lookup(term, "db");
        if (h instanceof DbHandle d) {
            return d;
        }
        throw RequestException.wrongHandleKind(h.ref(), Kind.DB.atom);
    }

    /** The open DB at exactly {@code dir}, if any. */
    public static Optional<DbHandle> at(HandleTable table, Path dir) {
        for (Handle h : table.all()) {
            if (h instanceof DbHandle d && d.dir().equals(dir)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Whether the DB was opened read-only. */
    public boolean readOnly() {
        return readOnly;
    }

    /** A call on the DB, run inside a lease. */
    @FunctionalInterface
    public interface Body<T> {
        T run(DbHandle db) throws RocksDBException, RequestException;
    }

    /**
     * Runs {@code body} inside a lease of this DB ({@code badarg} with {@code closed_handle} once
     * it is closing); a RocksDB status it throws becomes {@code {error, {error, Text}}}.
     */
    public <T> T leased(Body<T> body) throws RequestException {
        try (Lease l = lease()) {
            return body.run(this);
        } catch (RocksDBException e) {
            throw RequestException.status(Statuses.text(e));
        }
    }

    /** The RocksDB instance; only to be used inside a {@link #lease()}. */
    public RocksDB db() {
        return db;
    }

    /**
     * Creates a column family; only inside a lease. The caller owns the returned handle (RocksDB
     * also frees it at its close, if it is still open then).
     */
    ColumnFamilyHandle createColumnFamily(ColumnFamilyDescriptor descriptor) throws RocksDBException {
        synchronized (creatingFamily) {
            return db.createColumnFamily(descriptor);
        }
    }

    /** The default column family's native handle (not owned: never closed by itself). */
    public ColumnFamilyHandle defaultColumnFamily() {
        return defaultCf;
    }

    /** The column families open in this DB now, default first (dropped ones left out). */
    public List<ColumnFamilyHandle> openFamilies() {
        List<ColumnFamilyHandle> families = new ArrayList<>();
        families.add(defaultCf);
        for (Handle child : children()) {
            if (child instanceof CfHandle cf && !cf.isDefault() && !cf.dropped()) {
                families.add(cf.columnFamily());
            }
        }
        return families;
    }

    /**
     * Flushes the memtables of every column family still open before they close, so that a DB
     * closed on this node holds nothing only in its WAL: a later backup by path, which must open
     * it read-only, then has all of it. A failed flush is logged; the WAL still has the data for
     * the next open.
     */
    @Override
    protected void beforeChildrenClose() {
        if (readOnly) {
            return;
        }
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, openFamilies());
        } catch (RocksDBException e) {
            LOG.warning(() -> "flush before closing " + dir() + " failed: " + Statuses.text(e));
        }
    }

    @Override
    protected void closeNative() {
        db.close();
        for (AutoCloseable o : options) {
            try {
                o.close();
            } catch (Exception e) {
                LOG.warning(() -> "freeing the options of " + dir() + " failed: " + e);
            }
        }
    }
}
