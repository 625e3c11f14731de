package io.rocksdbjnode.backup;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's backup figures, synchronous and async calls alike: the backups and restores
 * running now, and the bytes of those that completed (a new backup's size as its engine lists
 * it, shared files included; a restored backup's size).
 */
public final class BackupStats {
    private final AtomicLong backupsRunning = new AtomicLong();
    private final AtomicLong restoresRunning = new AtomicLong();
    private final LongAdder bytesBackedUp = new LongAdder();
    private final LongAdder bytesRestored = new LongAdder();

    public long backupsRunning() {
        return backupsRunning.get();
    }

    public long restoresRunning() {
        return restoresRunning.get();
    }

    public long bytesBackedUp() {
        return bytesBackedUp.sum();
    }

    public long bytesRestored() {
        return bytesRestored.sum();
    }

    AtomicLong backups() {
        return backupsRunning;
    }

    AtomicLong restores() {
        return restoresRunning;
    }

    void backedUp(long bytes) {
        bytesBackedUp.add(bytes);
    }

    void restored(long bytes) {
        bytesRestored.add(bytes);
    }
}
