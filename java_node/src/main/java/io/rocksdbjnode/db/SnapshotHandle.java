package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.wire.RequestException;
import org.rocksdb.Snapshot;

/**
 * A snapshot of a DB: a child of its {@link DbHandle}, owned by the process that took it. A read
 * that names it in {@code {snapshot, S}} leases it for the read (see {@link ReadSpec}), so a
 * release waits for those reads and never frees a snapshot in use.
 */
public final class SnapshotHandle extends Handle {
    private final Snapshot snapshot;

    SnapshotHandle(OtpErlangRef ref, Ownership ownership, DbHandle db, Snapshot snapshot) {
        super(ref, Kind.SNAPSHOT, ownership, db);
        this.snapshot = snapshot;
    }

    /** The open snapshot {@code term} names: {@code badarg} otherwise. */
    public static SnapshotHandle of(HandleTable table, OtpErlangObject term) throws RequestException {
        return table.lookup(term, "snapshot", SnapshotHandle.class, Kind.SNAPSHOT);
    }

    /** The DB the snapshot is of. */
    public DbHandle db() {
        return (DbHandle) parent();
    }

    /** The native snapshot; only to be used inside a {@link #lease()}. */
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    protected void closeNative() {
        db().db().releaseSnapshot(snapshot);
        snapshot.close();
    }
}
