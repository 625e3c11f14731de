package io.rocksdbjnode.backup;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RestoreOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;

/** Stopping a running backup through the C API, and what the engine is good for afterwards. */
class NativeBackupStopTest {

    /** About 24 MB of incompressible table data... */
    private static final int VALUES = 6000;
    private static final int VALUE_BYTES = 4096;
    /** ...copied at 4 MB/s: an unstopped backup would take about 6 s. */
    private static final long SLOW_BACKUP_BYTES_PER_SECOND = 4L << 20;

    @TempDir
    Path tmp;

    private Path dbDir;
    private Path backupDir;

    @BeforeEach
    void setUp() throws IOException {
        RocksDB.loadLibrary();
        dbDir = tmp.resolve("db");
        backupDir = tmp.resolve("backups");
        Files.createDirectories(backupDir);
    }

    @Test
    void availableOnLinuxX8664() {
        assertTrue(NativeBackupStop.available(),
                "rocksdb_backup_engine_stop_backup should resolve on " + System.getProperty("os.name")
                        + "/" + System.getProperty("os.arch"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stopsARunningBackupWhichCleansUpAfterItself() throws Exception {
        try (Options options = new Options().setCreateIfMissing(true).setCompressionType(CompressionType.NO_COMPRESSION);
                RocksDB db = RocksDB.open(options, dbDir.toString())) {
            fillWithRandomValues(db);

            try (BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString())
                            .setBackupRateLimit(SLOW_BACKUP_BYTES_PER_SECOND);
                    BackupEngine engine = BackupEngine.open(Env.getDefault(), engineOptions)) {
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicLong endedAt = new AtomicLong();
                Thread backup = new Thread(() -> {
                    try {
                        engine.createNewBackup(db, false);
                    } catch (Throwable t) {
                        failure.set(t);
                    } finally {
                        endedAt.set(System.nanoTime());
                    }
                }, "backup-to-stop");
                backup.start();
                Thread.sleep(200);
                assertTrue(backup.isAlive(), "the backup should still be copying after 200 ms");

                long stoppedAt = System.nanoTime();
                NativeBackupStop.stop(engine);
                backup.join(TimeUnit.SECONDS.toMillis(20)); // an unstopped backup ends in ~6 s anyway
                assertFalse(backup.isAlive());

                long stopToEndMillis = TimeUnit.NANOSECONDS.toMillis(endedAt.get() - stoppedAt);
                // Measured, not asserted (timing goals belong in bench/): the Incomplete status
                // below is what tells a stopped backup from one that ran to its end.
                System.out.println("NativeBackupStopTest: createNewBackup ended " + stopToEndMillis + " ms after stop");
                RocksDBException stopped = assertInstanceOf(RocksDBException.class, failure.get());
                assertNotNull(stopped.getStatus());
                assertEquals(Status.Code.Incomplete, stopped.getStatus().getCode());
                assertEquals("Backup stopped", stopped.getMessage());

                assertEquals(List.of(), engine.getBackupInfo());
                // RocksDB removed its own partial files before returning: no .tmp, no private/1.
                assertEquals(List.of(), leftovers());

                // One-way: this engine refuses every later backup.
                RocksDBException again = assertThrows(RocksDBException.class, () -> engine.createNewBackup(db, false));
                assertEquals(Status.Code.Incomplete, again.getStatus().getCode());
            }

            try (BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString());
                    BackupEngine fresh = BackupEngine.open(Env.getDefault(), engineOptions)) {
                fresh.garbageCollect();
                assertEquals(List.of(), leftovers());
                fresh.createNewBackup(db, false);
                assertEquals(1, fresh.getBackupInfo().size());
                int id = fresh.getBackupInfo().get(0).backupId();
                assertEquals(Optional.empty(),
                        BackupVerifier.verify(backupDir, id, BackupVerifier.scanSizes(backupDir), true));
            }
        }
    }

    @Test
    void stoppedEngineRefusesRestoresUntilReopened() throws Exception {
        Path restored = tmp.resolve("restored");
        try (Options options = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, dbDir.toString())) {
            db.put("key".getBytes(UTF_8), "value".getBytes(UTF_8));
            try (BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString());
                    BackupEngine engine = BackupEngine.open(Env.getDefault(), engineOptions);
                    RestoreOptions restoreOptions = new RestoreOptions(false)) {
                engine.createNewBackup(db, true);
                NativeBackupStop.stop(engine); // no backup running: the engine is stopped all the same

                RocksDBException create = assertThrows(RocksDBException.class, () -> engine.createNewBackup(db, true));
                assertEquals(Status.Code.Incomplete, create.getStatus().getCode());
                RocksDBException restore = assertThrows(RocksDBException.class,
                        () -> engine.restoreDbFromBackup(1, restored.toString(), restored.toString(), restoreOptions));
                assertEquals(Status.Code.Incomplete, restore.getStatus().getCode());
                assertEquals(1, engine.getBackupInfo().size(), "reading the backup list still works");
            }
        }

        try (BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString());
                BackupEngine fresh = BackupEngine.open(Env.getDefault(), engineOptions);
                RestoreOptions restoreOptions = new RestoreOptions(false)) {
            fresh.restoreDbFromBackup(1, restored.toString(), restored.toString(), restoreOptions);
        }
        try (Options options = new Options(); RocksDB db = RocksDB.open(options, restored.toString())) {
            assertEquals("value", new String(db.get("key".getBytes(UTF_8)), UTF_8));
        }
    }

    @Test
    void stoppingAClosedEngineIsRefused() throws RocksDBException {
        BackupEngine closed;
        try (BackupEngineOptions engineOptions = new BackupEngineOptions(backupDir.toString());
                BackupEngine engine = BackupEngine.open(Env.getDefault(), engineOptions)) {
            closed = engine;
        }
        assertThrows(IllegalStateException.class, () -> NativeBackupStop.stop(closed));
    }

    private static void fillWithRandomValues(RocksDB db) throws RocksDBException {
        Random random = new Random(42);
        byte[] value = new byte[VALUE_BYTES];
        try (WriteOptions noWal = new WriteOptions().setDisableWAL(true);
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            for (int i = 0; i < VALUES; i++) {
                random.nextBytes(value);
                db.put(noWal, String.format("key-%08d", i).getBytes(UTF_8), value);
            }
            db.flush(flush);
        }
    }

    /** Temp files anywhere, and private directories of backups that have no meta file. */
    private List<String> leftovers() throws IOException {
        List<Integer> ids = BackupMeta.listIds(backupDir);
        try (Stream<Path> all = Files.walk(backupDir)) {
            return all.map(p -> backupDir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> p.endsWith(".tmp")
                            || (p.matches("private/\\d+") && !ids.contains(Integer.parseInt(p.substring(8)))))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }
}
