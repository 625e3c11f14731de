package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The chunks of an iterator, read as a fold reads them (one chunk after another until
 * {@code done}), on a real DB: together they are every entry once, in key order; each chunk keeps
 * its bounds; only the last says {@code done}.
 */
class IteratorChunksTest {
    private static final java.util.concurrent.atomic.AtomicLong TRY = new java.util.concurrent.atomic.AtomicLong();
    private static Path dir;
    private static Options options;
    private static RocksDB db;

    @BeforeAll
    static void open() throws Exception {
        RocksDB.loadLibrary();
        dir = Files.createTempDirectory("chunks");
        options = new Options().setCreateIfMissing(true);
        db = RocksDB.open(options, dir.toString());
    }

    @AfterAll
    static void close() throws IOException {
        db.close();
        options.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Tries of the property; a failure names its seed, which {@link #check} replays. */
    private static final int TRIES = 200;

    @Test
    void chunksAreEveryEntryOnceWithinBounds() throws Exception {
        long base = new Random().nextLong();
        for (int i = 0; i < TRIES; i++) {
            long seed = base + i;
            try {
                check(seed);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    /** Edges that random draws seldom hit: no entries, one, entries exactly at the budget. */
    @Test
    void edges() throws Exception {
        check(List.of(), 64, 1, false);
        check(List.of(0), 64, 1, true);
        // Keys are 20 bytes: entries of 28-byte values cost 64, so two fill 128 exactly.
        check(List.of(28, 28, 28), 128, 50, false);
        check(List.of(5000, 1, 5000), 64, 50, false);
        check(List.of(1, 1, 1, 1), 8192, 4, false); // the last chunk is full and done
    }

    /** One try: entries of random sizes (some above any budget), random bounds and mode. */
    private void check(long seed) throws Exception {
        Random r = new Random(seed);
        List<Integer> sizes = new ArrayList<>();
        int n = r.nextInt(400);
        for (int i = 0; i < n; i++) {
            sizes.add(r.nextInt(9) == 0 ? 300 + r.nextInt(8700) : r.nextInt(300));
        }
        check(sizes, 64 + r.nextInt(8192 - 64), 1 + r.nextInt(50), r.nextBoolean());
    }

    private void check(List<Integer> sizes, int maxBytes, int maxEntries, boolean keysOnly) throws Exception {
        byte[] prefix = String.format("%016x/", TRY.incrementAndGet()).getBytes();
        TreeMap<String, byte[]> expected = new TreeMap<>();
        try (WriteBatch batch = new WriteBatch(); WriteOptions w = new WriteOptions()) {
            for (int i = 0; i < sizes.size(); i++) {
                String key = new String(prefix) + String.format("%03d", i);
                byte[] value = new byte[sizes.get(i)];
                Arrays.fill(value, (byte) i);
                expected.put(key, value);
                batch.put(key.getBytes(), value);
            }
            db.write(w, batch);
        }
        IteratorChunks.Mode mode = keysOnly ? IteratorChunks.Mode.KEYS : IteratorChunks.Mode.KV;
        List<Map.Entry<String, byte[]>> seen = new ArrayList<>();
        byte[] upper = Arrays.copyOf(prefix, prefix.length);
        upper[upper.length - 1]++;
        try (Slice bound = new Slice(upper);
                ReadOptions ro = new ReadOptions().setIterateUpperBound(bound);
                RocksIterator it = db.newIterator(ro)) {
            it.seek(prefix);
            boolean done = false;
            int chunks = 0;
            IteratorChunks.Chunk previous = null;
            while (!done) {
                IteratorChunks.Chunk c = IteratorChunks.read(it, mode, maxBytes, maxEntries);
                chunks++;
                done = c.done();
                if (previous != null && previous.entries().size() < maxEntries) {
                    // The previous chunk stopped early only because this chunk's first entry did not fit.
                    long first = entryBytes(c.entries().get(0), keysOnly);
                    assertTrue(previous.bytes() + first > maxBytes, "a chunk takes what fits");
                }
                previous = c;
                assertTrue(c.entries().size() <= maxEntries, "at most maxEntries");
                long bytes = 0;
                for (OtpErlangObject e : c.entries()) {
                    byte[] k = keysOnly ? ((OtpErlangBinary) e).binaryValue()
                            : ((OtpErlangBinary) ((OtpErlangTuple) e).elementAt(0)).binaryValue();
                    byte[] v = keysOnly ? null : ((OtpErlangBinary) ((OtpErlangTuple) e).elementAt(1)).binaryValue();
                    bytes += entryBytes(e, keysOnly);
                    seen.add(Map.entry(new String(k), v == null ? new byte[0] : v));
                }
                assertEquals(bytes, c.bytes());
                assertTrue(c.entries().size() == 1 || bytes <= maxBytes, "within the budget, or one entry alone");
                if (!done) {
                    assertFalse(c.entries().isEmpty(), "a chunk that is not the last has entries");
                }
                assertTrue(chunks <= sizes.size() + 1, "the stream ends");
            }
            assertFalse(it.isValid());
        }
        assertEquals(new ArrayList<>(expected.keySet()), seen.stream().map(Map.Entry::getKey).toList(),
                "every key once, in order");
        if (!keysOnly) {
            for (Map.Entry<String, byte[]> e : seen) {
                assertArrayEquals(expected.get(e.getKey()), e.getValue());
            }
        }
        assertEquals(seenAsText(seen, keysOnly), seenAsText(packed(prefix, upper, mode, maxBytes, maxEntries), keysOnly),
                "packed chunks hold the same entries, in the same order");
    }

    /** The entries read again in packed chunks, taken apart, each chunk checked against the bounds. */
    private static List<Map.Entry<String, byte[]>> packed(byte[] prefix, byte[] upper, IteratorChunks.Mode mode,
            int maxBytes, int maxEntries) throws Exception {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        try (Slice bound = new Slice(upper);
                ReadOptions ro = new ReadOptions().setIterateUpperBound(bound);
                RocksIterator it = db.newIterator(ro)) {
            it.seek(prefix);
            boolean done = false;
            while (!done) {
                IteratorChunks.Packed p = IteratorChunks.readPacked(it, mode, maxBytes, maxEntries);
                done = p.done();
                assertTrue(p.entries() <= maxEntries, "at most maxEntries");
                assertTrue(p.entries() == 1 || p.length() <= maxBytes, "within the budget, or one entry alone");
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(p.data(), 0, p.length());
                int n = 0;
                while (b.hasRemaining()) {
                    byte[] k = new byte[b.getInt()];
                    b.get(k);
                    byte[] v = new byte[0];
                    if (mode == IteratorChunks.Mode.KV) {
                        v = new byte[b.getInt()];
                        b.get(v);
                    }
                    out.add(Map.entry(new String(k), v));
                    n++;
                }
                assertEquals(p.entries(), n, "the packed binary holds its entries and nothing else");
                if (!done) {
                    assertTrue(n > 0, "a chunk that is not the last has entries");
                }
            }
        }
        return out;
    }

    private static List<String> seenAsText(List<Map.Entry<String, byte[]>> entries, boolean keysOnly) {
        return entries.stream().map(e -> e.getKey() + (keysOnly ? "" : "=" + Arrays.toString(e.getValue()))).toList();
    }

    private static long entryBytes(OtpErlangObject e, boolean keysOnly) {
        if (keysOnly) {
            return ((OtpErlangBinary) e).size() + IteratorChunks.ENTRY_OVERHEAD;
        }
        OtpErlangTuple t = (OtpErlangTuple) e;
        return ((OtpErlangBinary) t.elementAt(0)).size() + ((OtpErlangBinary) t.elementAt(1)).size()
                + IteratorChunks.ENTRY_OVERHEAD;
    }
}
