package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangRef;
import java.nio.file.Path;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** An open database: the RocksDB instance, the options it was opened with, and its directory. */
final class DbHandle extends Handle {
    private final RocksDB db;
    private final Options options;
    private final Path path;
    private final boolean readOnly;

    DbHandle(OtpErlangRef ref, Ownership ownership, RocksDB db, Options options, Path path, boolean readOnly) {
        super(ref, Kind.DB, ownership);
        this.db = db;
        this.options = options;
        this.path = path;
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

    /** The DB directory, normalised and with symlinks resolved. */
    Path path() {
        return path;
    }

    @Override
    void closeNative() {
        db.close();
        options.close();
    }
}
