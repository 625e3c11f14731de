package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.wire.RequestException;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * What a data call acts on: a DB and one of its column families ({@code cf} null: the default
 * one), resolved at the door from the request's {@code Db} and optional {@code Cf} arguments.
 */
public record Target(DbHandle db, CfHandle cf) {
    /** A call on the DB, run with both handles leased. */
    @FunctionalInterface
    public interface Body<T> {
        T run(RocksDB db, ColumnFamilyHandle cf) throws RocksDBException, RequestException;
    }

    /** The default column family of the DB {@code dbTerm} names. */
    public static Target of(HandleTable table, OtpErlangObject dbTerm) throws RequestException {
        return new Target(DbHandle.of(table, dbTerm), null);
    }

    /**
     * The column family {@code cfTerm} of the DB {@code dbTerm}: {@code badarg} when either is not
     * an open handle of its kind, or the family belongs to another DB.
     */
    public static Target of(HandleTable table, OtpErlangObject dbTerm, OtpErlangObject cfTerm) throws RequestException {
        DbHandle db = DbHandle.of(table, dbTerm);
        CfHandle cf = CfHandle.of(table, cfTerm);
        if (cf.db() != db) {
            throw RequestException.columnFamilyOfOtherDb(cf.ref());
        }
        return new Target(db, cf);
    }

    /** The family's native handle; only to be used inside {@link #leased}. */
    public ColumnFamilyHandle columnFamily() {
        return cf == null ? db.defaultColumnFamily() : cf.columnFamily();
    }

    /**
     * Runs {@code body} with the DB and the family leased ({@code closed_handle} once either is
     * closing); a RocksDB status it throws becomes {@code {error, {error, Text}}}.
     */
    public <T> T leased(Body<T> body) throws RequestException {
        try (Handle.Lease d = db.lease(); Handle.Lease c = cf == null ? null : cf.lease()) {
            return body.run(db.db(), columnFamily());
        } catch (RocksDBException e) {
            throw RequestException.status(Statuses.text(e));
        }
    }

    /**
     * {@link #leased} for a write with {@code w}: while it runs, it counts as its DB's synced
     * write when {@code w} syncs ({@link DbHandle#syncing}), which keeps the reader thread's
     * writes out of its write group.
     */
    public <T> T leasedWrite(WriteOptions w, Body<T> body) throws RequestException {
        try (DbHandle.Syncing s = db.syncing(w)) {
            return leased(body);
        }
    }
}
