package io.rocksdbjnode.backup;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Env;
import org.rocksdb.RocksDBException;

/**
 * Opens backup engines on threads that run at nice {@value #NICE}, one per open. RocksDB starts
 * an engine's copy threads ({@code max_background_operations} of them) in the thread that opens
 * it, and on Linux a new thread inherits its creator's nice value; so a backup's and a restore's
 * copying and checksumming run at nice 10 and give way to the threads that serve gets when cores
 * are short (part 6 of the benchmark suite: gets timed while 100 backups run on 2 cores).
 *
 * <p>Lowering a thread's priority needs no privilege and raising it back does, so these threads
 * do nothing but open an engine and end; DBs are opened elsewhere, and their flush and compaction
 * threads keep the normal priority. Where {@code setpriority} cannot be called (no JNA, not
 * Linux) the engines are opened on the same threads at normal priority, and the node logs it.
 */
final class EngineOpener {
    private static final Logger LOG = Logger.getLogger(EngineOpener.class.getName());
    static final int NICE = 10;
    private static final int PRIO_PROCESS = 0;

    /** The C library's setpriority: on Linux, {@code who} 0 is the calling thread. */
    interface LibC extends Library {
        int setpriority(int which, int who, int prio);
    }

    private static final LibC LIBC = libc();
    private static final AtomicInteger OPENS = new AtomicInteger();

    private EngineOpener() {}

    /** {@code BackupEngine.open} with {@code options}, on a low-priority thread of its own. */
    static BackupEngine open(BackupEngineOptions options) throws RocksDBException {
        return onLowPriorityThread(() -> BackupEngine.open(Env.getDefault(), options));
    }

    /** Something that throws RocksDB's exception, run by {@link #onLowPriorityThread}. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws RocksDBException;
    }

    /**
     * Runs {@code work} on a new thread at nice {@value #NICE}, which ends with it, and waits for
     * it uninterruptibly (an engine opened for a caller that stopped waiting would be lost). A
     * thread per open rather than a pool: the node's thread budget counts the threads that exist,
     * and an idle pool's would hold room that engines' copy threads need (limits_SUITE).
     */
    static <T> T onLowPriorityThread(Work<T> work) throws RocksDBException {
        FutureTask<T> task = new FutureTask<>(work::run);
        Thread t = new Thread(() -> {
            lowerThisThread();
            task.run();
        }, "rocksdb-engine-opener-" + OPENS.incrementAndGet());
        t.setDaemon(true);
        t.start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RocksDBException r) {
                        throw r;
                    }
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static LibC libc() {
        try {
            return Native.load("c", LibC.class);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            LOG.warning(() -> "backup engines run at normal priority: setpriority is unavailable (" + e + ")");
            return null;
        }
    }

    private static void lowerThisThread() {
        if (LIBC == null) {
            return;
        }
        try {
            if (LIBC.setpriority(PRIO_PROCESS, 0, NICE) != 0) {
                LOG.warning(() -> "backup engines run at normal priority: setpriority failed, errno "
                        + Native.getLastError());
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            LOG.warning(() -> "backup engines run at normal priority: " + e);
        }
    }
}
