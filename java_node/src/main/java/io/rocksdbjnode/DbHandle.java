package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangRef;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** An open database: the RocksDB instance and the options it was opened with. */
final class DbHandle extends Handle {
    private static final Logger LOG = Logger.getLogger(DbHandle.class.getName());

    private final RocksDB db;
    private final Options options;
    private final boolean readOnly;

    DbHandle(OtpErlangRef ref, Ownership ownership, RocksDB db, Options options, Path dir, boolean readOnly) {
        super(ref, Kind.DB, ownership, dir);
        this.db = db;
        this.options = options;
        this.readOnly = readOnly;
    }

    /** Whether the DB was opened read-only. */
    boolean readOnly() {
        return readOnly;
    }

    /** The RocksDB instance; only to be used inside a {@link #lease()}. */
    RocksDB db() {
        return db;
    }

    /**
     * Flushes the memtables before closing a DB opened read-write, so that a DB closed on this
     * node holds nothing only in its WAL: a later backup by path, which must open it read-only,
     * then has all of it. A failed flush is logged; the WAL still has the data for the next open.
     */
    @Override
    void closeNative() {
        if (!readOnly) {
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush);
            } catch (RocksDBException e) {
                LOG.warning(() -> "flush before closing " + dir() + " failed: " + Statuses.text(e));
            }
        }
        db.close();
        options.close();
    }
}
