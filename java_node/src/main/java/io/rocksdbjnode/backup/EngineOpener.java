package io.rocksdbjnode.backup;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Env;
import org.rocksdb.RocksDBException;

/**
 * Opens backup engines on threads that run at nice {@value #NICE}. RocksDB starts an engine's
 * copy threads ({@code max_background_operations} of them) in the thread that opens it, and on
 * Linux a new thread inherits its creator's nice value; so a backup's and a restore's copying and
 * checksumming run at nice 10 and give way to the threads that serve gets when cores are short
 * (part 6 of the benchmark suite: gets timed while 100 backups run on 2 cores).
 *
 * <p>Lowering a thread's priority needs no privilege and raising it back does, so these threads
 * do nothing but open engines; DBs are opened elsewhere, and their flush and compaction threads
 * keep the normal priority. Where {@code setpriority} cannot be called (no JNA, not Linux) the
 * engines are opened on the same threads at normal priority, and the node logs it once.
 */
final class EngineOpener {
    private static final Logger LOG = Logger.getLogger(EngineOpener.class.getName());
    static final int NICE = 10;
    private static final int PRIO_PROCESS = 0;
    private static final int THREADS = 4;

    /** The C library's setpriority: on Linux, {@code who} 0 is the calling thread. */
    interface LibC extends Library {
        int setpriority(int which, int who, int prio);
    }

    private static final LibC LIBC = libc();
    private static final ThreadPoolExecutor POOL = pool();

    private EngineOpener() {}

    /** {@code BackupEngine.open} with {@code options}, on a low-priority thread. */
    static BackupEngine open(BackupEngineOptions options) throws RocksDBException {
        return onLowPriorityThread(() -> BackupEngine.open(Env.getDefault(), options));
    }

    /** Something that throws RocksDB's exception, run by {@link #onLowPriorityThread}. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws RocksDBException;
    }

    /**
     * Runs {@code work} on one of the low-priority threads and waits for it, uninterruptibly (an
     * engine opened for a caller that stopped waiting would be lost).
     */
    static <T> T onLowPriorityThread(Work<T> work) throws RocksDBException {
        Future<T> f = POOL.submit(work::run);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
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

    private static ThreadPoolExecutor pool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(() -> {
                        lowerThisThread();
                        r.run();
                    }, "rocksdb-engine-opener-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }
}
