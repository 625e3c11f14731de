import java.nio.ByteBuffer;
import java.util.Random;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The writer and the baseline of bench/fold.sh, in plain rocksdbjni.
 * <ul>
 * <li>{@code write DIR N S}: N keys ({@code <<I:64>>}, big-endian) of S random bytes (seed 42),
 * in batches of 10,000, then a flush.</li>
 * <li>{@code scan DIR}: one full scan with a RocksIterator, reading each key and value into a
 * byte[] as the node does; prints {@code scan KEYS NANOS}.</li>
 * </ul>
 * Usage: java -cp rocksdb-jnode.jar bench/FoldDirect.java write|scan DIR [N S]
 */
public final class FoldDirect {
    public static void main(String[] args) throws Exception {
        RocksDB.loadLibrary();
        String dir = args[1];
        if (args[0].equals("write")) {
            write(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } else {
            scan(dir);
        }
    }

    private static void write(String dir, int n, int size) throws Exception {
        try (Options o = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(o, dir);
                WriteOptions w = new WriteOptions().setDisableWAL(true)) {
            Random rnd = new Random(42);
            byte[] v = new byte[size];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i += 10_000) {
                try (WriteBatch b = new WriteBatch()) {
                    for (int j = i; j < Math.min(n, i + 10_000); j++) {
                        rnd.nextBytes(v);
                        b.put(ByteBuffer.allocate(8).putLong(j).array(), v);
                    }
                    db.write(w, b);
                }
            }
            try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
                db.flush(f);
            }
            System.out.printf("wrote %d keys of %d bytes in %.1f s%n", n, size, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static void scan(String dir) throws Exception {
        try (Options o = new Options();
                RocksDB db = RocksDB.open(o, dir);
                ReadOptions ro = new ReadOptions();
                RocksIterator it = db.newIterator(ro)) {
            long t0 = System.nanoTime();
            long keys = 0;
            long bytes = 0;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                bytes += it.key().length + it.value().length;
                keys++;
            }
            it.status();
            long t1 = System.nanoTime();
            System.out.printf("scan %d %d %d%n", keys, t1 - t0, bytes);
        }
    }
}
