package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.Slice;

/**
 * A read's options, decoded at the door: rocksdbjni's {@link ReadOptions} with the native objects
 * it points to, which must live as long as it does: the iterate bounds' slices, and a lease of
 * the {@code {snapshot, S}} it reads at. A snapshot that is released or of another DB is
 * {@code badarg}. Closing frees it all; an iterator keeps its spec until it closes.
 */
public final class ReadSpec implements AutoCloseable {
    private final ReadOptions options;
    private final List<Slice> bounds = new ArrayList<>();
    private Handle.Lease snapshotLease;
    /** How many holders must close it before it is freed (the iterators of one {@code iterators} call). */
    private int holders = 1;

    private ReadSpec(ReadOptions options) {
        this.options = options;
    }

    /** The read options {@code term} (argument {@code name}) for a read of {@code db}. */
    public static ReadSpec of(HandleTable table, DbHandle db, OtpErlangObject term, String name) throws RequestException {
        return of(table, db, Option.parse(term, name));
    }

    /**
     * The read options {@code opts}, already parsed (an iterator's, from which the caller took
     * its {@code {owner, Pid}}), for a read of {@code db}.
     */
    public static ReadSpec of(HandleTable table, DbHandle db, List<Option> opts) throws RequestException {
        ReadSpec spec = new ReadSpec(OptionsMapping.readOptions(opts));
        try {
            for (Option o : opts) {
                switch (o.key()) {
                    case "snapshot" -> spec.readAt(table, db, o);
                    case "iterate_upper_bound" -> spec.options.setIterateUpperBound(spec.bound(o));
                    case "iterate_lower_bound" -> spec.options.setIterateLowerBound(spec.bound(o));
                    default -> { } // the plain keys are OptionsMapping's
                }
            }
            return spec;
        } catch (RequestException | RuntimeException e) {
            spec.close();
            throw e;
        }
    }

    private void readAt(HandleTable table, DbHandle db, Option o) throws RequestException {
        o.expectArity(1);
        SnapshotHandle s = SnapshotHandle.of(table, o.value());
        if (s.db() != db) {
            throw RequestException.snapshotOfOtherDb(s.ref());
        }
        Handle.Lease lease = s.lease();
        releaseSnapshot();
        snapshotLease = lease;
        options.setSnapshot(s.snapshot());
    }

    private Slice bound(Option o) throws RequestException {
        o.expectArity(1);
        Slice s = new Slice(Terms.bytes(o.value(), o.key()));
        bounds.add(s);
        return s;
    }

    /** The native read options; valid until {@link #close()}. */
    public ReadOptions options() {
        return options;
    }

    /**
     * Ends the lease of the snapshot read at, once the read no longer needs it (an iterator keeps
     * the view it was made with after its snapshot is released).
     */
    public void releaseSnapshot() {
        if (snapshotLease != null) {
            snapshotLease.close();
            snapshotLease = null;
        }
    }

    /** The spec, to be closed by {@code n} holders (each iterator of one view) before it is freed. */
    ReadSpec sharedBy(int n) {
        synchronized (this) {
            holders = n;
        }
        return this;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (--holders > 0) {
                return;
            }
        }
        releaseSnapshot();
        options.close();
        bounds.forEach(Slice::close);
    }
}
