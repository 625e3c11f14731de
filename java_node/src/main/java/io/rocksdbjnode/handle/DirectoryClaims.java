package io.rocksdbjnode.handle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which directories are in use on this node, and for what: opens in progress and open handles,
 * backups by path, restores and destroys. A claim is held from the moment work on a directory
 * starts until it ends; an open handle holds its open's claim until its native object is freed,
 * so a directory is never unheld between an open and the end of its close.
 *
 * <p>One lock protocol, kept here: every field is guarded by this object's monitor, which
 * {@link #awaitClosed} also waits on.
 */
public final class DirectoryClaims {
    /** What a claim is for. */
    public enum Claim {
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
    }

    /** What stands in the way of a claim: a claim of {@code kind} on {@code dir}. */
    public record Blocker(Path dir, Claim kind) {
        /** The end of an {@code "IO error: Path: ..."} text saying why. */
        public String why() {
            return switch (kind) {
                case OPEN_DB -> "overlaps " + dir + ", the directory of a DB open on this node";
                case OPEN_ENGINE -> "overlaps " + dir + ", the directory of a backup engine open on this node";
                case READ -> "overlaps " + dir + ", a DB being backed up by path";
                case REWRITE -> "overlaps " + dir + ", which a restore or destroy is rewriting";
            };
        }
    }

    /** A claim refused: {@link #blocker()} says what holds the directory. */
    public static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Blocker blocker;

        Busy(Blocker blocker) {
            super(blocker.why(), null, false, false);
            this.blocker = blocker;
        }

        public Blocker blocker() {
            return blocker;
        }
    }

    /** A claim held on some directories until {@link #release()}. */
    public final class Held {
        private final Claim kind;
        private final List<Path> dirs;
        private boolean closing;

        private Held(Claim kind, List<Path> dirs) {
            this.kind = kind;
            this.dirs = List.copyOf(dirs);
        }

        /** The first directory claimed: for an open, the directory the handle occupies. */
        public Path dir() {
            return dirs.get(0);
        }

        /** Gives the directories up; idempotent. */
        public void release() {
            synchronized (DirectoryClaims.this) {
                held.remove(this);
                DirectoryClaims.this.notifyAll();
            }
        }

        /** The handle holding this claim is being closed: {@link #awaitClosed} waits for its release. */
        void closing() {
            synchronized (DirectoryClaims.this) {
                closing = true;
            }
        }
    }

    private final List<Held> held = new ArrayList<>();

    /**
     * Claims directories for an open, backup by path, restore or destroy, so that a restore or
     * destroy cannot delete the files of a DB or backup engine that is open or being opened in,
     * around or inside its directory, nor an open start on a directory being rewritten (see
     * {@link Claim#conflictsWith}). Throws {@link Busy} naming what stands in the way.
     */
    public synchronized Held claim(Claim kind, List<Path> dirs) throws Busy {
        for (Path d : dirs) {
            for (Held h : held) {
                for (Path other : h.dirs) {
                    if (kind.conflictsWith(h.kind) && overlap(other, d)) {
                        throw new Busy(new Blocker(other, h.kind));
                    }
                }
            }
        }
        Held h = new Held(kind, dirs);
        held.add(h);
        return h;
    }

    /**
     * Waits (up to {@code millis}) until no handle on {@code dir} is being closed, so that a
     * supervisor restarting a crashed owner can reopen the path it held at once.
     */
    public synchronized void awaitClosed(Path dir, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (held.stream().anyMatch(h -> h.closing && h.dirs.contains(dir))) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether one directory is the other or lies inside it. */
    public static boolean overlap(Path a, Path b) {
        return a.startsWith(b) || b.startsWith(a);
    }
}
