package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.wire.RequestException;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;

/**
 * A column family of an open DB: a child of its {@link DbHandle} with no owner of its own, so it
 * closes with its DB or by {@code destroy_column_family}. A dropped family's handle stays usable
 * (RocksDB keeps its data readable through it) until it is destroyed or its DB closes.
 */
public final class CfHandle extends Handle {
    private final ColumnFamilyHandle cf;
    private final ColumnFamilyOptions options;
    private final boolean isDefault;
    private final boolean mergeable;
    private volatile boolean dropped;

    /**
     * {@code options}: the family's options when this handle frees them (a family created on an
     * open DB), else null (the DB frees those it was opened with).
     */
    CfHandle(OtpErlangRef ref, DbHandle db, ColumnFamilyHandle cf, ColumnFamilyOptions options, boolean isDefault,
            boolean mergeable) {
        super(ref, Kind.COLUMN_FAMILY, null, db);
        this.cf = cf;
        this.options = options;
        this.isDefault = isDefault;
        this.mergeable = mergeable;
    }

    /** Whether the family has a merge operator. */
    public boolean mergeable() {
        return mergeable;
    }

    /** The open column family {@code term} names: {@code badarg} otherwise. */
    public static CfHandle of(HandleTable table, OtpErlangObject term) throws RequestException {
        return table.lookup(term, "column_family", CfHandle.class, Kind.COLUMN_FAMILY);
    }

    /** The DB the family belongs to. */
    public DbHandle db() {
        return (DbHandle) parent();
    }

    /** The native handle; only to be used inside a {@link #lease()}. */
    public ColumnFamilyHandle columnFamily() {
        return cf;
    }

    /** Whether this is the DB's {@code default} family. */
    public boolean isDefault() {
        return isDefault;
    }

    /** Whether the family was dropped through this node. */
    public boolean dropped() {
        return dropped;
    }

    void markDropped() {
        dropped = true;
    }

    @Override
    protected void closeNative() {
        // rocksdbjni keeps the handle of the "default" descriptor as the DB's own default family
        // (RocksDB.getDefaultColumnFamily()), which the DB goes on using until it closes, and
        // frees then: freeing it here would leave the DB a dangling pointer (a JVM crash).
        if (cf != db().defaultColumnFamily()) {
            cf.close();
        }
        if (options != null) {
            options.close();
        }
    }
}
