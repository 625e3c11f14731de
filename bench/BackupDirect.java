import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * The baseline for bench/backup.sh: the same DB as the Erlang side writes (N values of S random
 * bytes, keys "k%08d", seed 42), flushed, then one createNewBackup timed in plain rocksdbjni.
 * Usage: java -cp rocksdb-jnode.jar bench/BackupDirect.java WORKDIR N S ROUNDS
 */
public final class BackupDirect {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        RocksDB.loadLibrary();
        Path dbDir = work.resolve("direct_db");
        try (Options o = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(o, dbDir.toString());
                WriteOptions w = new WriteOptions()) {
            Random rnd = new Random(42);
            byte[] v = new byte[size];
            for (int i = 0; i < n; i++) {
                rnd.nextBytes(v);
                db.put(w, String.format("k%08d", i).getBytes(), v);
            }
            try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
                db.flush(f);
            }
            for (int r = 1; r <= rounds; r++) {
                Path bdir = work.resolve("direct_backup_" + r);
                Files.createDirectories(bdir);
                try (BackupEngineOptions bo = new BackupEngineOptions(bdir.toString());
                        BackupEngine be = BackupEngine.open(Env.getDefault(), bo)) {
                    long t0 = System.nanoTime();
                    be.createNewBackup(db, false);
                    long t1 = System.nanoTime();
                    System.out.printf("direct round %d: create_new_backup %.1f ms (%d backups)%n",
                            r, (t1 - t0) / 1e6, be.getBackupInfo().size());
                }
            }
        }
    }
}
