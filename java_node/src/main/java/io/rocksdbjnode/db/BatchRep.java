package io.rocksdbjnode.db;

import io.rocksdbjnode.wire.RequestException;
import java.util.Arrays;

/**
 * The operations of a {@code write_packed} request turned into RocksDB's own serialized write
 * batch (its "rep", which {@code new WriteBatch(byte[])} takes whole): one copy into native
 * memory for the whole batch, where a {@code WriteBatch.put} per operation crossed JNI and
 * copied its key and value each time.
 *
 * <p>The rep, as RocksDB's {@code write_batch.cc} lays it out: a 12-byte header (sequence,
 * 8 bytes, left 0; count, 4 bytes little-endian), then per operation a type byte, the column
 * family's id as a varint32 for the types that carry one, and each key or value as a varint32
 * length and its bytes. Every operation is checked here as the per-operation path checks it;
 * anything malformed is {@code {badarg, {bad_argument, operations}}} and nothing is written.
 */
final class BatchRep {
    // RocksDB's ValueType codes (dbformat.h): the default family's, then the other families'.
    private static final byte[] DEFAULT_TYPE = {0, 0x1, 0x2, 0x0, 0x7, 0xF};
    private static final byte[] FAMILY_TYPE = {0, 0x5, 0x6, 0x4, 0x8, 0xE};
    private static final int HEADER = 12;

    private byte[] out;
    private int size = HEADER;

    private BatchRep(int capacity) {
        out = new byte[Math.max(HEADER, capacity)];
    }

    /**
     * The rep of {@code packed} ({@link WriteBatchSpec#ofPacked}'s format): {@code ids[n]} is the
     * column family id of family {@code n} (0: the default family, whose id is 0), and
     * {@code mergeable[n]} whether it has a merge operator (a merge into one without is refused
     * with RocksDB's own text, before anything is written).
     */
    static byte[] of(byte[] packed, int[] ids, boolean[] mergeable) throws RequestException {
        // A rep is at most the packed form plus the header and a byte or three per operation (a
        // family id in up to 5 bytes where the packed form has 2; lengths in up to 5 where it
        // has 4): start there, grow if ever needed.
        BatchRep rep = new BatchRep(HEADER + packed.length + packed.length / 4);
        int count = 0;
        int at = 0;
        while (at < packed.length) {
            if (packed.length - at < 3) {
                throw RequestException.badArgument("operations");
            }
            int op = packed[at] & 0xFF;
            int family = ((packed[at + 1] & 0xFF) << 8) | (packed[at + 2] & 0xFF);
            at += 3;
            if (op < 1 || op > 5 || family >= ids.length) {
                throw RequestException.badArgument("operations");
            }
            if (op == 2 && !mergeable[family]) {
                throw RequestException.status(WriteBatchSpec.NO_MERGE_OPERATOR);
            }
            rep.put(family == 0 ? DEFAULT_TYPE[op] : FAMILY_TYPE[op]);
            if (family != 0) {
                rep.varint(ids[family]);
            }
            at = rep.chunk(packed, at);
            if (op == 1 || op == 2 || op == 5) {
                at = rep.chunk(packed, at);
            }
            count++;
        }
        byte[] bytes = rep.out;
        bytes[8] = (byte) count;
        bytes[9] = (byte) (count >>> 8);
        bytes[10] = (byte) (count >>> 16);
        bytes[11] = (byte) (count >>> 24);
        return rep.size == bytes.length ? bytes : Arrays.copyOf(bytes, rep.size);
    }

    /** Copies the {@code <<Len:32, Bytes>>} at {@code at} as a varint32 length and the bytes; returns where it ends. */
    private int chunk(byte[] packed, int at) throws RequestException {
        if (packed.length - at < 4) {
            throw RequestException.badArgument("operations");
        }
        int n = ((packed[at] & 0xFF) << 24) | ((packed[at + 1] & 0xFF) << 16) | ((packed[at + 2] & 0xFF) << 8)
                | (packed[at + 3] & 0xFF);
        at += 4;
        if (n < 0 || n > packed.length - at) {
            throw RequestException.badArgument("operations");
        }
        varint(n);
        ensure(n);
        System.arraycopy(packed, at, out, size, n);
        size += n;
        return at + n;
    }

    private void put(byte b) {
        ensure(1);
        out[size++] = b;
    }

    private void varint(int v) {
        ensure(5);
        while ((v & ~0x7F) != 0) {
            out[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[size++] = (byte) v;
    }

    private void ensure(int more) {
        if (size + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
        }
    }
}
