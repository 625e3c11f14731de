package io.rocksdbjnode.backup;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.wire.RequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.BackupInfo;
import org.rocksdb.RestoreOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * An open backup engine and what this project adds around rocksdbjni's {@link BackupEngine}:
 *
 * <ul>
 *   <li>A read-write lock that mirrors RocksDB's own: info-free reads (verify, restore) share it;
 *       create, delete, purge and garbage collection take it alone. The Java verifier runs outside
 *       RocksDB's native lock, so this lock is what keeps it away from deletions.
 *   <li>A snapshot of the backup list, refreshed after every change, so {@code get_backup_info}
 *       answers at once even while a backup runs (RocksDB's own call waits for it).
 *   <li>The sizes this engine knows: those found when it opened the directory and those of the
 *       files of each backup it made, which size-only verification compares against.
 *   <li>Stop: RocksDB's StopBackup through {@link NativeBackupStop}. It is one-way for the native
 *       engine, so after a stop the native engine is replaced by a fresh one on the same directory
 *       and the handle stays usable.
 * </ul>
 */
public final class BackupEngineHandle extends Handle {
    /**
     * The open backup engine {@code term} names in {@code table}: a {@code badarg} for a
     * reference that is unknown, closed, or names a handle of another kind.
     */
    static BackupEngineHandle of(HandleTable table, OtpErlangObject term) throws RequestException {
        Handle h = table.lookup(term, "backup_engine");
        if (h instanceof BackupEngineHandle e) {
            return e;
        }
        throw RequestException.wrongHandleKind(h.ref(), Kind.BACKUP_ENGINE.atom);
    }

    private static final Logger LOG = Logger.getLogger(BackupEngineHandle.class.getName());

    /** One backup as listed by get_backup_info. */
    record BackupView(int id, long timestamp, long size, int numberFiles, byte[] appMetadata) {}

    private final BackupEngineOptions options;
    private final BackupSlots slots;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final Map<String, Long> knownSizes = new ConcurrentHashMap<>();
    private final Object stopMonitor = new Object();
    private volatile BackupEngine engine;
    private volatile List<BackupView> backups = List.of();
    private volatile Set<Integer> corrupted = Set.of();
    private boolean creating;
    private boolean stopRequested;

    private BackupEngineHandle(OtpErlangRef ref, Ownership ownership, DirectoryClaims.Held claim,
            BackupEngineOptions options, BackupSlots slots, BackupEngine engine) {
        super(ref, Kind.BACKUP_ENGINE, ownership, claim);
        this.options = options;
        this.slots = slots;
        this.engine = engine;
    }

    /**
     * Opens the native engine on {@code dir} (which must exist) and takes stock of the directory.
     * On failure the options are closed and the RocksDB status is thrown.
     */
    static BackupEngineHandle open(OtpErlangRef ref, Ownership ownership, DirectoryClaims.Held claim,
            BackupEngineOptions options, BackupSlots slots) throws RocksDBException, IOException {
        Path dir = claim.dir();
        BackupEngine engine;
        try {
            engine = EngineOpener.open(options);
        } catch (RocksDBException e) {
            options.close();
            throw e;
        }
        BackupEngineHandle h = new BackupEngineHandle(ref, ownership, claim, options, slots, engine);
        try {
            h.knownSizes.putAll(BackupVerifier.scanSizes(dir));
            h.refreshBackups();
        } catch (IOException | RocksDBException | RuntimeException e) {
            h.closeNative();
            throw e;
        }
        return h;
    }

    /** Backup {@code id} as of the last change, the latest when {@code id} is negative; null if none. */
    BackupView backup(int id) {
        List<BackupView> b = backups;
        if (id < 0) {
            return b.isEmpty() ? null : b.get(b.size() - 1);
        }
        return b.stream().filter(v -> v.id() == id).findFirst().orElse(null);
    }

    /** The backups as of the last change, sorted by id; never waits. */
    List<BackupView> backups() {
        return backups;
    }

    /**
     * Makes a new backup of {@code db} and returns it as listed (null if RocksDB made none); throws
     * {@link RequestException} with {@code {error, incomplete}} when {@link #stopBackup()} cut it
     * short, in which case no backup id and no partial file is left behind.
     */
    BackupView createNewBackup(RocksDB db, boolean flushBeforeBackup, byte[] metadata)
            throws RocksDBException, RequestException, IOException {
        lock.writeLock().lock();
        try {
            synchronized (stopMonitor) {
                creating = true;
                stopRequested = false;
            }
            int before = latestId();
            RocksDBException failure = null;
            boolean stopped;
            boolean noSlot = false;
            try {
                // The slot is waited for as the backup: a stop ends the wait.
                BackupSlots.Held slot = slots.take(this::stopRequested);
                if (slot == null) {
                    noSlot = true;
                } else {
                    try (slot) {
                        if (metadata == null) {
                            engine.createNewBackup(db, flushBeforeBackup);
                        } else {
                            engine.createNewBackupWithMetadata(db, AppMetadata.encode(metadata),
                                    flushBeforeBackup);
                        }
                    }
                }
            } catch (RocksDBException e) {
                failure = e;
            } finally {
                synchronized (stopMonitor) {
                    creating = false;
                    stopped = stopRequested;
                }
            }
            if (stopped || noSlot || (failure != null && isIncomplete(failure))) {
                discardStoppedBackup(before);
                throw RequestException.incomplete();
            }
            if (failure != null) {
                refreshBackups();
                throw failure;
            }
            refreshBackups();
            int made = latestId();
            if (made > before) {
                recordSizes(made);
                return backups.get(backups.size() - 1);
            }
            return null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private boolean stopRequested() {
        synchronized (stopMonitor) {
            return stopRequested;
        }
    }

    /**
     * Cuts short a backup running on this engine, if any (or waiting for its slot); returns at once. A backup that starts
     * after this call is not affected (unlike RocksDB's own StopBackup, which is permanent).
     */
    public void stopBackup() {
        synchronized (stopMonitor) {
            if (!creating || stopRequested) {
                return;
            }
            stopRequested = true;
            if (NativeBackupStop.available()) {
                try {
                    NativeBackupStop.stop(engine);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "native stop failed; the backup will be discarded when it ends", e);
                }
            }
        }
    }

    /**
     * After a stop: the native engine is stopped for good, so replace it with a fresh one; and when
     * the stop came too late to cut the copy short (or no native stop is available), delete the
     * backup that was made, so a stopped backup never leaves an id behind.
     */
    private void discardStoppedBackup(int before) throws RocksDBException, IOException {
        BackupEngine old = engine;
        engine = EngineOpener.open(options);
        old.close();
        for (BackupInfo info : engine.getBackupInfo()) {
            if (info.backupId() > before) {
                engine.deleteBackup(info.backupId());
            }
        }
        engine.garbageCollect();
        refreshBackups();
    }

    /**
     * RocksDB's VerifyBackup, in Java: {@code Optional.empty()} when the backup checks out, else the
     * RocksDB status text.
     */
    Optional<String> verifyBackup(int id, boolean withChecksum) throws IOException {
        lock.readLock().lock();
        try {
            Optional<String> gone = directoryGone();
            if (gone.isPresent()) {
                return gone;
            }
            if (corrupted.contains(id)) {
                return Optional.of("Corruption: Backup " + id + " is corrupted: its meta file is unreadable "
                        + "or lists files that are missing");
            }
            if (backups.stream().noneMatch(b -> b.id() == id)) {
                return Optional.of("NotFound: ");
            }
            if (!withChecksum) {
                return BackupVerifier.verify(dir(), id, knownSizes, false);
            }
            try (BackupSlots.Held slot = slots.take()) {
                return BackupVerifier.verify(dir(), id, knownSizes, true);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * RocksDB's engine keeps its list in memory and does not notice its directory vanishing
     * (an {@code rm -rf} while it is open): the calls that read that list say so instead.
     */
    Optional<String> directoryGone() {
        return Files.isDirectory(dir()) ? Optional.empty()
                : Optional.of("IO error: " + dir() + ": the backup directory is gone (removed while the engine was open)");
    }

    void deleteBackup(int id) throws RocksDBException, IOException {
        exclusive(() -> engine.deleteBackup(id));
    }

    void purgeOldBackups(int keep) throws RocksDBException, IOException {
        exclusive(() -> engine.purgeOldBackups(keep));
    }

    void garbageCollect() throws RocksDBException, IOException {
        exclusive(() -> engine.garbageCollect());
    }

    /** Restores backup {@code id}, or the latest when {@code id} is negative. */
    void restore(int id, Path dbDir, Path walDir, boolean keepLogFiles) throws RocksDBException {
        lock.readLock().lock();
        try (RestoreOptions ro = new RestoreOptions(keepLogFiles); BackupSlots.Held slot = slots.take()) {
            if (id < 0) {
                engine.restoreDbFromLatestBackup(dbDir.toString(), walDir.toString(), ro);
            } else {
                engine.restoreDbFromBackup(id, dbDir.toString(), walDir.toString(), ro);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    protected void beforeClose() {
        stopBackup();
    }

    @Override
    protected void closeNative() {
        engine.close();
        options.close();
    }

    private interface EngineAction {
        void run() throws RocksDBException;
    }

    private void exclusive(EngineAction action) throws RocksDBException, IOException {
        lock.writeLock().lock();
        try {
            try {
                action.run();
            } finally {
                refreshBackups();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private int latestId() {
        List<BackupView> b = backups;
        return b.isEmpty() ? 0 : b.get(b.size() - 1).id();
    }

    private void refreshBackups() throws RocksDBException {
        List<BackupView> views = new ArrayList<>();
        for (BackupInfo info : engine.getBackupInfo()) {
            String md = info.appMetadata();
            views.add(new BackupView(info.backupId(), info.timestamp(), info.size(), info.numberFiles(),
                    md == null || md.isEmpty() ? null : AppMetadata.decode(md)));
        }
        views.sort((a, b) -> Integer.compare(a.id(), b.id()));
        backups = List.copyOf(views);
        corrupted = Set.copyOf(toList(engine.getCorruptedBackups()));
    }

    private static List<Integer> toList(int[] ids) {
        List<Integer> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(id);
        }
        return out;
    }

    /** Remembers the sizes of the files of a backup this engine just made. */
    private void recordSizes(int id) throws IOException {
        for (BackupMeta.FileEntry f : BackupMeta.read(dir(), id).files()) {
            try {
                knownSizes.put(f.relativePath(), Files.size(dir().resolve(f.relativePath())));
            } catch (NoSuchFileException gone) {
                knownSizes.remove(f.relativePath());
            }
        }
    }

    private static boolean isIncomplete(RocksDBException e) {
        Status s = e.getStatus();
        return s != null && s.getCode() == Status.Code.Incomplete;
    }
}
