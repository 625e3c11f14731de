package io.rocksdbjnode.handle;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.wire.RequestException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A native RocksDB object held in the {@link HandleTable} under a node-minted reference.
 *
 * <p>rocksdbjni crashes the JVM when a closed native object is used, so every operation runs
 * inside a {@link Lease}: {@link #close()} first refuses new leases, then waits for the leases in
 * flight to end, and only then frees the native object. A lease can therefore never see a freed
 * object, whatever the interleaving.
 *
 * <p>A handle may have a parent (an iterator its DB or column family, a snapshot its DB): a child
 * is made while its parent is leased and {@link #adopt adopted} before it becomes visible, and a
 * parent's close closes its children (each waiting for its own leases) before it frees its own
 * native object. So no child outlives the native object it was made from, and no child can appear
 * once its parent began closing. A child without an owner of its own (a column family) lives and
 * dies with its parent.
 */
public abstract class Handle {
    /** A use of the handle's native object; closing it ends the use. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    public enum Kind {
        DB("db"),
        BACKUP_ENGINE("backup_engine"),
        COLUMN_FAMILY("column_family"),
        ITERATOR("iterator"),
        SNAPSHOT("snapshot"),
        TRANSACTION("transaction");

        /** The kind's name in replies and log lines. */
        public final String atom;

        Kind(String atom) {
            this.atom = atom;
        }
    }

    private final OtpErlangRef ref;
    private final Kind kind;
    private final DirectoryClaims.Held claim;
    private final Handle parent;
    private final Set<Handle> children = new LinkedHashSet<>();
    private HandleTable table;
    private OtpErlangPid owner;
    private OtpErlangPid heir;
    private OtpErlangObject heirData;
    private int leases;
    private boolean closing;
    private boolean closed;

    /**
     * {@code claim} is the open's claim on the directory the native object occupies, as
     * {@link PathGuard} resolved it; the handle holds it until its native object is freed.
     */
    protected Handle(OtpErlangRef ref, Kind kind, Ownership ownership, DirectoryClaims.Held claim) {
        this.ref = ref;
        this.kind = kind;
        this.claim = claim;
        this.parent = null;
        this.owner = ownership.owner();
        this.heir = ownership.heir();
        this.heirData = ownership.heirData();
    }

    /**
     * A child of {@code parent}, made while {@code parent} is leased; {@code ownership} is null for
     * a child that has no owner of its own and closes only with its parent or by request.
     */
    protected Handle(OtpErlangRef ref, Kind kind, Ownership ownership, Handle parent) {
        this.ref = ref;
        this.kind = kind;
        this.claim = null;
        this.parent = parent;
        if (ownership != null) {
            this.owner = ownership.owner();
            this.heir = ownership.heir();
            this.heirData = ownership.heirData();
        }
    }

    public final OtpErlangRef ref() {
        return ref;
    }

    public final Kind kind() {
        return kind;
    }

    /**
     * The directory the native object occupies (a DB's directory, an engine's backup directory):
     * absolute, normalised, symlinks resolved. Directory claims keep restores and destroys out of it.
     */
    public final Path dir() {
        return claim != null ? claim.dir() : parent.dir();
    }

    /** The handle this one was made from, or null. */
    public final Handle parent() {
        return parent;
    }

    /** The children open now, for a close that must act on them first (see {@link #beforeChildrenClose()}). */
    protected final synchronized List<Handle> children() {
        return new ArrayList<>(children);
    }

    /**
     * Called by the table as {@code child} is added: records it, or refuses with
     * {@code closed_handle} once this handle began closing.
     */
    final synchronized void adopt(Handle child) throws RequestException {
        if (closing) {
            throw RequestException.closedHandle(ref);
        }
        children.add(child);
    }

    private synchronized void forget(Handle child) {
        children.remove(child);
    }

    /** Called by the table as the handle is added to it. */
    final void attach(HandleTable owningTable) {
        this.table = owningTable;
    }

    public final synchronized OtpErlangPid owner() {
        return owner;
    }

    final synchronized void setOwner(OtpErlangPid newOwner) {
        owner = newOwner;
    }

    final synchronized void setHeir(OtpErlangPid newHeir, OtpErlangObject data) {
        heir = newHeir;
        heirData = data;
    }

    final synchronized OtpErlangPid heir() {
        return heir;
    }

    final synchronized OtpErlangObject heirData() {
        return heirData;
    }

    /** Starts a use of the native object; fails with {@code closed_handle} once closing began. */
    public final Lease lease() throws RequestException {
        synchronized (this) {
            if (closing) {
                throw RequestException.closedHandle(ref);
            }
            leases++;
        }
        return this::release;
    }

    private synchronized void release() {
        leases--;
        if (leases == 0) {
            notifyAll();
        }
    }

    /**
     * Closes the native object once no lease is in flight. Idempotent: a second caller waits for
     * the first to finish. Returns true for the call that did the closing.
     */
    final boolean close() {
        synchronized (this) {
            if (closing) {
                awaitWhile(() -> !closed);
                return false;
            }
            closing = true;
        }
        beforeClose();
        synchronized (this) {
            awaitWhile(() -> leases > 0);
        }
        try {
            beforeChildrenClose();
            for (Handle child : children()) {
                table.close(child);
                child.close(); // waits when another caller is closing it
            }
            closeNative();
        } finally {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            if (claim != null) {
                claim.release();
            }
            if (parent != null) {
                parent.forget(this);
            }
        }
        return true;
    }

    /** The table took the handle out: until its close has run, an open of its directory waits. */
    final void takenOut() {
        if (claim != null) {
            claim.closing();
        }
    }

    /** Waits on this handle's monitor (held by the caller) while {@code condition} holds, uninterruptibly. */
    private void awaitWhile(BooleanSupplier condition) {
        boolean interrupted = false;
        while (condition.getAsBoolean()) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called once closing has begun and before waiting for leases: a chance to cut long work short. */
    protected void beforeClose() {}

    /**
     * Called once no lease is in flight and before the children close: the last chance to use
     * them (a DB flushes its column families here).
     */
    protected void beforeChildrenClose() {}

    /** Frees the native objects; runs once, with no lease in flight and no child open. */
    protected abstract void closeNative();
}
