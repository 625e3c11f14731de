import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RestoreOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The floors of bench/suite.sh that are "the same work done directly in rocksdbjni", one
 * operation per run (bench/suite_bench.erl starts it between its own rounds, so the rounds
 * interleave). Each timed operation prints one line {@code ms <milliseconds>}; opening and
 * closing the DB or the engine is not timed.
 *
 * <pre>
 * fill DB N SIZE SEED START      N values of SIZE random bytes (Random(SEED)), keys k%010d from START; flushed
 * fillmany BASE COUNT N SIZE     fill BASE/db_1 .. BASE/db_COUNT (seed = index)
 * backup DB BACKUP_DIR           one createNewBackup (a full one into an empty directory, else incremental)
 * restore BACKUP_DIR OUT_DIR     restoreDbFromLatestBackup into OUT_DIR
 * batch DB REPS N SIZE           REPS times: one WriteBatch of N puts of SIZE bytes written with db.write
 * </pre>
 * Compiled by bench/suite.sh against the node's jar (its rocksdbjni), run with
 * {@code java -cp <jar>:<classes> SuiteDirect ...}.
 */
public final class SuiteDirect {
    public static void main(String[] a) throws Exception {
        RocksDB.loadLibrary();
        switch (a[0]) {
            case "fill" -> fill(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Long.parseLong(a[4]),
                    Integer.parseInt(a[5]));
            case "fillmany" -> {
                for (int i = 1; i <= Integer.parseInt(a[2]); i++) {
                    fill(Path.of(a[1], "db_" + i), Integer.parseInt(a[3]), Integer.parseInt(a[4]), i, 0);
                }
            }
            case "backup" -> backup(Path.of(a[1]), Path.of(a[2]));
            case "restore" -> restore(Path.of(a[1]), Path.of(a[2]));
            case "batch" -> batch(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            default -> throw new IllegalArgumentException("unknown command " + a[0]);
        }
    }

    static byte[] key(int i) {
        return String.format("k%010d", i).getBytes(StandardCharsets.US_ASCII);
    }

    static void fill(Path db, int n, int size, long seed, int start) throws Exception {
        Files.createDirectories(db.getParent());
        try (Options o = new Options().setCreateIfMissing(true);
                RocksDB d = RocksDB.open(o, db.toString());
                WriteOptions w = new WriteOptions().setDisableWAL(true);
                FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
            Random rnd = new Random(seed);
            byte[] v = new byte[size];
            long t0 = System.nanoTime();
            for (int i = start; i < start + n; i++) {
                rnd.nextBytes(v);
                d.put(w, key(i), v);
            }
            d.flush(f);
            ms(t0);
        }
    }

    static void backup(Path db, Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Options o = new Options();
                RocksDB d = RocksDB.open(o, db.toString());
                BackupEngineOptions bo = new BackupEngineOptions(dir.toString());
                BackupEngine be = BackupEngine.open(Env.getDefault(), bo)) {
            long t0 = System.nanoTime();
            be.createNewBackup(d, false);
            ms(t0);
        }
    }

    static void restore(Path dir, Path out) throws Exception {
        try (BackupEngineOptions bo = new BackupEngineOptions(dir.toString());
                BackupEngine be = BackupEngine.open(Env.getDefault(), bo);
                RestoreOptions ro = new RestoreOptions(false)) {
            long t0 = System.nanoTime();
            be.restoreDbFromLatestBackup(out.toString(), out.toString(), ro);
            ms(t0);
        }
    }

    static void batch(Path db, int reps, int n, int size) throws Exception {
        try (Options o = new Options().setCreateIfMissing(true);
                RocksDB d = RocksDB.open(o, db.toString());
                WriteOptions w = new WriteOptions()) {
            Random rnd = new Random(7);
            for (int r = 0; r < reps; r++) {
                // Keys and values made before the timing (the Erlang side makes its list before
                // too); the batch is built and written inside it, as the node must.
                byte[][] keys = new byte[n][];
                byte[][] values = new byte[n][size];
                for (int i = 0; i < n; i++) {
                    keys[i] = key(r * n + i);
                    rnd.nextBytes(values[i]);
                }
                long t0 = System.nanoTime();
                try (WriteBatch b = new WriteBatch()) {
                    for (int i = 0; i < n; i++) {
                        b.put(keys[i], values[i]);
                    }
                    d.write(w, b);
                }
                ms(t0);
            }
        }
    }

    static void ms(long t0) {
        System.out.printf("ms %.3f%n", (System.nanoTime() - t0) / 1e6);
    }
}
