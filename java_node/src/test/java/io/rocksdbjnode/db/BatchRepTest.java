package io.rocksdbjnode.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rocksdbjnode.wire.RequestException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The rep {@link BatchRep} builds is byte for byte the one RocksDB builds from the same
 * operations added one by one (seeded random batches over the default family and two others),
 * and a malformed packed form is refused.
 */
class BatchRepTest {
    @TempDir
    Path tmp;

    @Test
    void theRepIsRocksDbsOwn() throws Exception {
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions o = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
                RocksDB db = RocksDB.open(o, tmp.resolve("db").toString(), List.of(
                        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                        new ColumnFamilyDescriptor("a".getBytes()), new ColumnFamilyDescriptor("b".getBytes())),
                        handles)) {
            int[] ids = {0, handles.get(1).getID(), handles.get(2).getID()};
            boolean[] mergeable = {true, true, true};
            long seed = System.nanoTime();
            Random rnd = new Random(seed);
            for (int round = 0; round < 200; round++) {
                ByteArrayOutputStream packed = new ByteArrayOutputStream();
                try (WriteBatch expected = new WriteBatch()) {
                    int ops = rnd.nextInt(50);
                    for (int i = 0; i < ops; i++) {
                        int op = 1 + rnd.nextInt(5);
                        int family = rnd.nextInt(3);
                        byte[] k = bytes(rnd, rnd.nextInt(4) == 0 ? 200 : 12);
                        byte[] v = bytes(rnd, rnd.nextInt(4) == 0 ? 20_000 : 100);
                        ColumnFamilyHandle cf = handles.get(family);
                        packed.write(op);
                        packed.write(family >>> 8);
                        packed.write(family);
                        chunk(packed, k);
                        switch (op) {
                            case 1 -> { chunk(packed, v); expected.put(cf, k, v); }
                            case 2 -> { chunk(packed, v); expected.merge(cf, k, v); }
                            case 3 -> expected.delete(cf, k);
                            case 4 -> expected.singleDelete(cf, k);
                            default -> { chunk(packed, v); expected.deleteRange(cf, k, v); }
                        }
                    }
                    byte[] rep = BatchRep.of(packed.toByteArray(), ids, mergeable);
                    assertArrayEquals(expected.data(), rep, "seed " + seed + ", round " + round);
                }
            }
            // And RocksDB takes it: written, its puts read back.
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            packed.write(1);
            packed.write(0);
            packed.write(2);
            chunk(packed, "key".getBytes());
            chunk(packed, "value".getBytes());
            try (WriteBatch b = new WriteBatch(BatchRep.of(packed.toByteArray(), ids, mergeable));
                    WriteOptions w = new WriteOptions()) {
                db.write(w, b);
            }
            assertEquals("value", new String(db.get(handles.get(2), "key".getBytes()), StandardCharsets.UTF_8));
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    @Test
    void malformedPackedFormsAreRefused() throws Exception {
        int[] ids = {0, 3};
        boolean[] mergeable = {true, false};
        byte[][] bad = {
            {1, 0},                                  // a cut header
            {9, 0, 0, 0, 0, 0, 0},                   // no such operation
            {3, 0, 2, 0, 0, 0, 0},                   // a family not in the list
            {3, 0, 0, 0, 0, 0, 5, 1},                // a length past the end
            {3, 0, 0, (byte) 0x80, 0, 0, 0},         // a negative length
            {1, 0, 0, 0, 0, 0, 1, 'k'},              // a put without its value
        };
        for (byte[] b : bad) {
            RequestException e = assertThrows(RequestException.class, () -> BatchRep.of(b, ids, mergeable));
            assertEquals(RequestException.badArgument("operations").reply(), e.reply());
        }
        // A merge into a family without a merge operator: RocksDB's own text.
        byte[] merge = ByteBuffer.allocate(3 + 4 + 1 + 4 + 1).put((byte) 2).putShort((short) 1)
                .putInt(1).put((byte) 'k').putInt(1).put((byte) 'v').array();
        RequestException e = assertThrows(RequestException.class, () -> BatchRep.of(merge, ids, mergeable));
        assertEquals(RequestException.status(WriteBatchSpec.NO_MERGE_OPERATOR).reply(), e.reply());
        assertEquals(12, BatchRep.of(new byte[0], ids, mergeable).length, "no operation: the header alone");
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[rnd.nextInt(n + 1)];
        rnd.nextBytes(b);
        return b;
    }

    private static void chunk(ByteArrayOutputStream out, byte[] b) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
    }

}
