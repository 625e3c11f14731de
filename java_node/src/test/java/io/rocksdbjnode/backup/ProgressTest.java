package io.rocksdbjnode.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import com.ericsson.otp.erlang.OtpErlangRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The progress arithmetic of async backups and restores, and what it is fed from the disk. */
class ProgressTest {
    @TempDir
    Path tmp;

    @Test
    void doneNeverGoesBackwardsNorPassesTheTotal() {
        Progress p = new Progress(1000, 10);
        assertEquals(new Progress.Figures(300, 1000, 3, 10), p.observe(300, 3));
        // A scan that sees less (a .tmp file renamed between two listings) does not go back.
        assertEquals(new Progress.Figures(300, 1000, 3, 10), p.observe(200, 2));
        // More than estimated is capped at the total.
        assertEquals(new Progress.Figures(1000, 1000, 10, 10), p.observe(5000, 12));
        assertEquals(new Progress.Figures(1000, 1000, 10, 10), p.observe(900, 9));
    }

    @Test
    void completionReportsTheTotal() {
        Progress p = new Progress(1000, 10);
        p.observe(10, 1);
        assertEquals(new Progress.Figures(1000, 1000, 10, 10), p.complete());
    }

    @Test
    void anUnknownTotalStaysZero() {
        Progress p = new Progress(0, 0);
        assertEquals(new Progress.Figures(0, 0, 0, 0), p.observe(123, 4));
        assertEquals(new Progress.Figures(0, 0, 0, 0), p.complete());
    }

    @Test
    void randomObservationsAreMonotoneAndBounded() {
        Random rnd = new Random(42);
        for (int run = 0; run < 100; run++) {
            long total = rnd.nextInt(1 << 20);
            Progress p = new Progress(total, 50);
            long last = 0;
            for (int i = 0; i < 50; i++) {
                Progress.Figures f = p.observe(rnd.nextInt(1 << 21), rnd.nextInt(80));
                assertTrue(f.bytesDone() >= last && f.bytesDone() <= total, f.toString());
                assertTrue(f.filesDone() <= 50);
                last = f.bytesDone();
            }
        }
    }

    @Test
    void baselineCountsOnlyNewOrRewrittenFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Files.write(dir.resolve("old"), new byte[100]);
        Files.write(dir.resolve("kept"), new byte[50]);
        ProgressScan.Baseline b = ProgressScan.baseline(List.of(dir, tmp.resolve("missing")));
        assertEquals(new ProgressScan.Seen(0, 0), b.since());
        Files.write(dir.resolve("new"), new byte[30]);
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.write(dir.resolve("sub/deeper/f"), new byte[7]);
        assertEquals(new ProgressScan.Seen(37, 2), b.since());
        // Deleted and written again under the same name (as a restore does): counted.
        Files.delete(dir.resolve("old"));
        Files.write(dir.resolve("old"), new byte[20]);
        assertEquals(new ProgressScan.Seen(57, 3), b.since());
    }

    @Test
    void sharedFilesAreKeyedByTheirDbName() throws Exception {
        Path engine = tmp.resolve("engine");
        Files.createDirectories(engine.resolve("shared_checksum"));
        Files.createDirectories(engine.resolve("shared"));
        Files.write(engine.resolve("shared_checksum/000012_s1ABC.sst"), new byte[10]);
        Files.write(engine.resolve("shared_checksum/000012_2897_11.sst"), new byte[11]);
        Files.write(engine.resolve("shared_checksum/000013_sXYZ.sst.tmp"), new byte[3]);
        Files.write(engine.resolve("shared/000014.blob"), new byte[4]);
        Map<String, List<Long>> shared = ProgressScan.sharedFiles(engine);
        assertEquals(List.of(10L, 11L), shared.get("000012.sst").stream().sorted().toList());
        assertEquals(List.of(4L), shared.get("000014.blob"));
        assertEquals(2, shared.size());
    }

    private static String metaFiles(Path engineDir) {
        try {
            return BackupMeta.read(engineDir, 1).files().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /**
     * The estimate against a real backup: the first backup copies about what was estimated, and
     * a second one, with one new table file, is estimated at that file plus the private files.
     */
    @Test
    void backupTotalsMatchWhatTheEngineWrites() throws Exception {
        Path dbDir = tmp.resolve("db");
        Path engineDir = tmp.resolve("bk");
        AtomicInteger n = new AtomicInteger();
        HandleTable table = new HandleTable(() -> new OtpErlangRef("n@h", new int[] {n.incrementAndGet(), 0, 0}, 0));
        Random rnd = new Random(1);
        try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, dbDir.toString());
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            for (int i = 0; i < 20; i++) {
                byte[] v = new byte[100_000];
                rnd.nextBytes(v);
                db.put(("k" + i).getBytes(), v);
            }
            db.flush(flush);
            BackupEngineHandle engine = EngineFixture.open(table, new DirectoryClaims(),
                    new Ownership(null, null, null), engineDir);
            ProgressScan.Totals first = ProgressScan.backupTotals(db, dbDir, engineDir, false);
            ProgressScan.Baseline b1 = ProgressScan.baseline(ProgressScan.engineDirs(engineDir));
            BackupEngineHandle.BackupView made = engine.createNewBackup(db, false, null);
            ProgressScan.Seen wrote = b1.since();
            assertEquals(made.size(), wrote.bytes(), "the scan sees the backup's files");
            assertEquals(made.numberFiles(), wrote.files());
            assertEquals(made.size(), first.bytes(), "first backup: everything is copied");
            assertEquals(made.numberFiles(), first.files(), () -> metaFiles(engineDir));

            for (int i = 0; i < 5; i++) {
                byte[] v = new byte[100_000];
                rnd.nextBytes(v);
                db.put(("n" + i).getBytes(), v);
            }
            db.flush(flush);
            ProgressScan.Totals second = ProgressScan.backupTotals(db, dbDir, engineDir, false);
            ProgressScan.Baseline b2 = ProgressScan.baseline(ProgressScan.engineDirs(engineDir));
            engine.createNewBackup(db, false, null);
            ProgressScan.Seen wrote2 = b2.since();
            assertEquals(wrote2, new ProgressScan.Seen(second.bytes(), second.files()),
                    "incremental: only the new table file and the private files");
            assertTrue(second.bytes() < first.bytes() && second.bytes() > 500_000, second.toString());
            table.close(engine);
        }
    }
}
