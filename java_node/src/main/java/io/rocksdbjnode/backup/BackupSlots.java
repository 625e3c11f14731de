package io.rocksdbjnode.backup;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How many backups, restores and checksum verifications run at once; the others wait for a
 * slot, blocked rather than runnable. Each of them keeps a core busy (RocksDB copies and
 * checksums every file), so a hundred at once on a small machine left the quick requests (a
 * {@code get}) waiting tens of milliseconds for a core, or for a connection's lock held by a
 * thread the scheduler had put aside (bench/README.md, part 6). The price is total time: on the
 * 2-core machine, 100 backups of 10 MB took about 3.4 s in 2 slots, 3.0 s in 4 and 2.2 s all at
 * once, while a get's p99 meanwhile was 8.5, 14 and 50 ms. {@code --backup-slots} picks the
 * trade. Slots are handed out first come, first served.
 */
public final class BackupSlots {
    /** How often a waiting backup checks whether it was stopped. */
    private static final long STOP_CHECK_MS = 20;

    private final Semaphore slots;
    private final int count;

    public BackupSlots(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("backup slots must be at least 1");
        }
        this.count = count;
        this.slots = new Semaphore(count, true);
    }

    /** The default: one slot per core, at least two. */
    public static int defaultCount() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public int count() {
        return count;
    }

    /** A slot held; closing it hands it on. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for a slot; gives up, returning null, as soon as {@code cancelled} says so (a
     * stopped backup never takes a slot). An interrupt also gives up, and is kept.
     */
    Held take(BooleanSupplier cancelled) {
        try {
            while (!slots.tryAcquire(STOP_CHECK_MS, TimeUnit.MILLISECONDS)) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (cancelled.getAsBoolean()) {
            slots.release();
            return null;
        }
        return slots::release;
    }

    /** Waits for a slot, as long as it takes (restores and verifications). */
    Held take() {
        slots.acquireUninterruptibly();
        return slots::release;
    }

    /** Slots free now (for tests and stats). */
    int free() {
        return slots.availablePermits();
    }
}
