package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Maps node-minted references to open DBs and backup engines. A lookup of a reference the node
 * never minted, one already closed, or one of the wrong kind fails with a {@code badarg} reply.
 * Removing an entry comes before closing its native object, so no new request can reach a
 * handle that is being closed. It also keeps the directory claims ({@link #claim}): the handles
 * are known only as {@link Handle}s occupying {@link Handle#dir()}.
 */
final class HandleTable {
    /** How many closed references are remembered to tell "closed" from "unknown". */
    static final int CLOSED_MEMORY = 100_000;

    private final Map<OtpErlangRef, Handle> live = new ConcurrentHashMap<>();
    private final Set<OtpErlangRef> closed = Collections.newSetFromMap(
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<OtpErlangRef, Boolean> eldest) {
                    return size() > CLOSED_MEMORY;
                }
            }));
    private final Map<Handle, CountDownLatch> closing = new ConcurrentHashMap<>();
    private final Supplier<OtpErlangRef> mint;

    HandleTable(Supplier<OtpErlangRef> mint) {
        this.mint = mint;
    }

    /** Mints a reference, builds the handle for it and makes it visible to requests. */
    <H extends Handle> H add(Function<OtpErlangRef, H> make) {
        H handle = make.apply(mint.get());
        live.put(handle.ref(), handle);
        return handle;
    }

    Handle lookup(OtpErlangObject term, String argName) throws RequestException {
        OtpErlangRef ref = Terms.ref(term, argName);
        Handle h = live.get(ref);
        if (h != null) {
            return h;
        }
        String why = closed.contains(ref) ? "closed_handle" : "unknown_handle";
        throw RequestException.badarg(Terms.tuple(Terms.atom(why), ref));
    }

    DbHandle db(OtpErlangObject term) throws RequestException {
        return kind(lookup(term, "db"), DbHandle.class, Handle.Kind.DB);
    }

    BackupEngineHandle engine(OtpErlangObject term) throws RequestException {
        return kind(lookup(term, "backup_engine"), BackupEngineHandle.class, Handle.Kind.BACKUP_ENGINE);
    }

    private static <H extends Handle> H kind(Handle h, Class<H> type, Handle.Kind kind) throws RequestException {
        if (type.isInstance(h)) {
            return type.cast(h);
        }
        throw RequestException.badarg(Terms.tuple(Terms.atom("wrong_handle_kind"), h.ref(), Terms.atom(kind.atom)));
    }

    /**
     * Takes the handle out of the table and closes it (waiting for its requests in flight).
     * Returns false when another caller had already taken it out.
     */
    boolean close(Handle h) {
        Runnable closeNative = takeOut(h);
        if (closeNative == null) {
            return false;
        }
        closeNative.run();
        return true;
    }

    /**
     * Takes the handle out of the table at once and returns the close still to do (which waits
     * for the handle's requests in flight), for a caller that must not wait for it; null when
     * another caller had already taken it out. Until that close has run, the handle's directory
     * stays occupied: an open of it waits ({@link #awaitClosed}), a restore or destroy is refused.
     */
    Runnable takeOut(Handle h) {
        CountDownLatch done = new CountDownLatch(1);
        // Under the claims' lock, so that a racing claim finds the handle in the table or
        // closing, never in neither; closing is announced and the ref marked closed before the
        // handle leaves the table, so that a racing lookup says closed_handle and a racing open
        // of its directory waits.
        synchronized (this) {
            if (live.get(h.ref()) != h) {
                return null;
            }
            closing.put(h, done);
            closed.add(h.ref());
            live.remove(h.ref());
        }
        return () -> {
            try {
                h.close();
            } finally {
                closing.remove(h, done);
                done.countDown();
            }
        };
    }

    /**
     * Waits (up to {@code millis}) until no handle on {@code dir} is being closed, so that a
     * supervisor restarting a crashed owner can reopen the path it held at once.
     */
    void awaitClosed(Path dir, long millis) {
        for (Map.Entry<Handle, CountDownLatch> e : closing.entrySet()) {
            if (e.getKey().dir().equals(dir)) {
                try {
                    e.getValue().await(millis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * What a directory claim is for; see {@link #claim}. A handle in the table (or being closed)
     * holds the open claim of its kind on {@link Handle#dir()} for as long as it lives.
     */
    enum Claim {
        /** A DB open in progress, or an open DB. */
        OPEN_DB,
        /** A backup engine open in progress, or an open engine. */
        OPEN_ENGINE,
        /** A backup by path reading a DB it opened read-only. */
        READ,
        /** A restore or destroy: it deletes what it finds in the directory. */
        REWRITE;

        /**
         * Whether two claims of these kinds may not hold overlapping directories: a rewrite
         * conflicts with everything, and a DB and a backup engine must not share files (RocksDB
         * and the engine would each take the other's for their own, or for garbage). Two opens of
         * one kind are left to RocksDB: its LOCK file refuses a second DB, and two engines on one
         * directory are allowed, as in RocksDB.
         */
        boolean conflictsWith(Claim other) {
            if (this == REWRITE || other == REWRITE) {
                return true;
            }
            return (this == OPEN_DB && other == OPEN_ENGINE) || (this == OPEN_ENGINE && other == OPEN_DB);
        }

        static Claim heldBy(Handle h) {
            return switch (h.kind()) {
                case DB -> OPEN_DB;
                case BACKUP_ENGINE -> OPEN_ENGINE;
            };
        }
    }

    /** What stands in the way of a claim: a claim (or a live handle's) of {@code kind} on {@code dir}. */
    record Blocker(Path dir, Claim kind) {
        /** The end of an {@code "IO error: Path: ..."} text saying why. */
        String why() {
            return switch (kind) {
                case OPEN_DB -> "overlaps " + dir + ", the directory of a DB open on this node";
                case OPEN_ENGINE -> "overlaps " + dir + ", the directory of a backup engine open on this node";
                case READ -> "overlaps " + dir + ", a DB being backed up by path";
                case REWRITE -> "overlaps " + dir + ", which a restore or destroy is rewriting";
            };
        }
    }

    private record Claimed(Path dir, Claim kind) {}

    private final List<Claimed> claims = new ArrayList<>();

    /**
     * Claims directories for an open, backup by path, restore or destroy in progress, so that a
     * restore or destroy cannot delete the files of a DB or backup engine that is open or being
     * opened in, around or inside its directory, nor an open start on a directory being rewritten
     * (see {@link Claim#conflictsWith}). Returns empty when claimed (release with
     * {@link #release}), else what stands in the way.
     */
    synchronized Optional<Blocker> claim(Claim kind, List<Path> dirs) {
        for (Path d : dirs) {
            for (Claimed c : claims) {
                if (kind.conflictsWith(c.kind()) && overlap(c.dir(), d)) {
                    return Optional.of(new Blocker(c.dir(), c.kind()));
                }
            }
            // An open registers its handle before it releases its claim, and a close unregisters
            // the handle from closing only after the native close: the directory is never unheld.
            for (Handle h : occupants()) {
                if (kind.conflictsWith(Claim.heldBy(h)) && overlap(h.dir(), d)) {
                    return Optional.of(new Blocker(h.dir(), Claim.heldBy(h)));
                }
            }
        }
        for (Path d : dirs) {
            claims.add(new Claimed(d, kind));
        }
        return Optional.empty();
    }

    synchronized void release(Claim kind, List<Path> dirs) {
        for (Path d : dirs) {
            claims.remove(new Claimed(d, kind));
        }
    }

    /** The handles in the table, then those being closed; a handle moving from one to the other is seen. */
    private List<Handle> occupants() {
        List<Handle> out = new ArrayList<>(live.values());
        out.addAll(closing.keySet());
        return out;
    }

    /** Whether one directory is the other or lies inside it. */
    static boolean overlap(Path a, Path b) {
        return a.startsWith(b) || b.startsWith(a);
    }

    /** The open DB at exactly {@code dir}, if any. */
    Optional<DbHandle> dbAt(Path dir) {
        for (Handle h : live.values()) {
            if (h instanceof DbHandle d && d.dir().equals(dir)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    List<Handle> ownedBy(OtpErlangPid pid) {
        List<Handle> out = new ArrayList<>();
        for (Handle h : live.values()) {
            if (pid.equals(h.owner())) {
                out.add(h);
            }
        }
        return out;
    }

    /** Handles whose owner lives on the Erlang node {@code node}. */
    List<Handle> ownedOnNode(String node) {
        List<Handle> out = new ArrayList<>();
        for (Handle h : live.values()) {
            if (node.equals(h.owner().node())) {
                out.add(h);
            }
        }
        return out;
    }

    List<Handle> all() {
        return new ArrayList<>(live.values());
    }

    int size() {
        return live.size();
    }
}
