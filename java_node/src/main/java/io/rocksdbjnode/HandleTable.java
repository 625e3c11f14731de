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
 * handle that is being closed.
 */
final class HandleTable {
    /** How many closed references are remembered to tell "closed" from "unknown". */
    private static final int CLOSED_MEMORY = 100_000;

    private final Map<OtpErlangRef, Handle> live = new ConcurrentHashMap<>();
    private final Set<OtpErlangRef> closed = Collections.newSetFromMap(
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<OtpErlangRef, Boolean> eldest) {
                    return size() > CLOSED_MEMORY;
                }
            }));
    private final Map<Path, CountDownLatch> closing = new ConcurrentHashMap<>();
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
     * another caller had already taken it out. Until that close has run, an open of the same
     * DB path waits for it ({@link #awaitClosed}).
     */
    Runnable takeOut(Handle h) {
        // Mark it closed and announce the closing path before it leaves the table, so that a
        // racing lookup says closed_handle and a racing open of the same path waits.
        if (!live.containsKey(h.ref())) {
            return null;
        }
        closed.add(h.ref());
        CountDownLatch done = new CountDownLatch(1);
        Path path = h instanceof DbHandle d ? d.path() : null;
        if (path != null) {
            closing.put(path, done);
        }
        if (!live.remove(h.ref(), h)) {
            if (path != null) {
                closing.remove(path, done);
            }
            done.countDown();
            return null;
        }
        return () -> {
            try {
                h.close();
            } finally {
                if (path != null) {
                    closing.remove(path, done);
                }
                done.countDown();
            }
        };
    }

    /**
     * Waits (up to {@code millis}) until no DB at {@code path} is being closed, so that a
     * supervisor restarting a crashed owner can reopen the path it held at once.
     */
    void awaitClosed(Path path, long millis) {
        CountDownLatch done = closing.get(path);
        if (done != null) {
            try {
                done.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What a directory claim is for; see {@link #claim}. */
    enum Claim {
        /** An open in progress: conflicts only with restores and destroys. */
        OPEN,
        /** A restore or destroy: conflicts with any claim and any open DB in or around it. */
        REWRITE
    }

    private record Claimed(Path dir, Claim kind) {}

    private final List<Claimed> claims = new ArrayList<>();

    /**
     * Claims directories for an open, restore or destroy in progress, so that a restore cannot
     * delete the files of a DB being opened in the same place, nor an open start on a directory
     * being rewritten. Returns null when claimed (release with {@link #release}), else the
     * directory that stands in the way.
     */
    synchronized Path claim(Claim kind, List<Path> dirs) {
        for (Path d : dirs) {
            for (Claimed c : claims) {
                if ((kind == Claim.REWRITE || c.kind() == Claim.REWRITE) && overlap(c.dir(), d)) {
                    return c.dir();
                }
            }
            if (kind == Claim.REWRITE) {
                Optional<DbHandle> open = dbOverlapping(d);
                if (open.isPresent()) {
                    return open.get().path();
                }
            }
        }
        for (Path d : dirs) {
            claims.add(new Claimed(d, kind));
        }
        return null;
    }

    synchronized void release(Claim kind, List<Path> dirs) {
        for (Path d : dirs) {
            claims.remove(new Claimed(d, kind));
        }
    }

    /** Whether one directory is the other or lies inside it. */
    static boolean overlap(Path a, Path b) {
        return a.startsWith(b) || b.startsWith(a);
    }

    /** The open DB whose directory is {@code dir} or lies inside it, or contains it. */
    Optional<DbHandle> dbOverlapping(Path dir) {
        for (Handle h : live.values()) {
            if (h instanceof DbHandle d && overlap(d.path(), dir)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The open DB at exactly {@code dir}, if any. */
    Optional<DbHandle> dbAt(Path dir) {
        for (Handle h : live.values()) {
            if (h instanceof DbHandle d && d.path().equals(dir)) {
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
