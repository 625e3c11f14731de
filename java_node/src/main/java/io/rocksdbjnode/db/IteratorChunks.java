package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Reads an iterator's entries in chunks, for the folds: many entries per reply (never one round
 * trip per entry) and never more than a bounded number of bytes per reply (never the whole
 * result in one message, which would hold up everything else on the one connection).
 *
 * <p>A chunk starts where the iterator stands and ends on the first entry it does not take, so
 * the next chunk starts on exactly that entry: no entry is lost or repeated. It takes at least
 * one entry (an entry larger than the budget travels alone), at most {@code maxEntries}, and
 * stops before an entry that would take its bytes past {@code maxBytes}.
 */
final class IteratorChunks {
    /**
     * What one entry costs in a reply beyond its key and value: its binaries' and tuple's headers
     * in the external term format, and a list cell. An estimate that keeps tiny entries from
     * making a chunk of unbounded size.
     */
    static final int ENTRY_OVERHEAD = 16;
    /** The most entries a chunk holds, whatever their size. */
    static final int MAX_ENTRIES = 4096;

    /** What a chunk holds: {@code {K, V}} tuples or bare keys. */
    enum Mode {
        KV, KEYS
    }

    /** A chunk: its entries, and whether the iterator has no entry left. */
    record Chunk(List<OtpErlangObject> entries, boolean done, long bytes) {}

    /**
     * A packed chunk, what the client's folds ask for: one binary of the entries in order, each
     * {@code <<KeyLen:32, Key, ValueLen:32, Value>>} ({@link Mode#KV}) or
     * {@code <<KeyLen:32, Key>>} ({@link Mode#KEYS}), big-endian lengths. One binary costs the
     * node one term to build and encode, where the entries as terms cost two or three each: the
     * client takes it apart with binary matching.
     */
    record Packed(byte[] data, int length, int entries, boolean done) {}

    /** The overhead of an entry in a packed chunk: its length fields. */
    static int packedOverhead(Mode mode) {
        return mode == Mode.KV ? 8 : 4;
    }

    private IteratorChunks() {}

    /**
     * The entries from where {@code it} stands onward, within the bounds; leaves {@code it} on the
     * first entry not taken. A status error of the iterator (it stops on it) is thrown.
     */
    static Chunk read(RocksIterator it, Mode mode, long maxBytes, int maxEntries) throws RocksDBException {
        List<OtpErlangObject> entries = new ArrayList<>();
        Taken taken = take(it, mode, maxBytes, maxEntries, ENTRY_OVERHEAD, (key, value) -> entries.add(
                value != null ? Terms.tuple(Terms.binary(key), Terms.binary(value)) : Terms.binary(key)));
        return new Chunk(entries, taken.done(), taken.bytes());
    }

    /**
     * {@link #read}'s entries, packed ({@link Packed}); the same bounds, the lengths fields
     * counted as an entry's overhead.
     */
    static Packed readPacked(RocksIterator it, Mode mode, long maxBytes, int maxEntries) throws RocksDBException {
        PackedBuffer buf = new PackedBuffer((int) Math.min(Math.max(maxBytes, 1024), 1 << 20));
        Taken taken = take(it, mode, maxBytes, maxEntries, packedOverhead(mode), buf::add);
        return new Packed(buf.bytes, buf.length, taken.entries(), taken.done());
    }

    /** How many entries a chunk took, their counted bytes, and whether the iterator has none left. */
    private record Taken(int entries, long bytes, boolean done) {}

    /** Where a chunk's entries go; {@code value} is null for keys only. */
    @FunctionalInterface
    private interface Sink {
        void add(byte[] key, byte[] value);
    }

    /**
     * The one loop of both chunk forms: hands {@code sink} the entries from where {@code it}
     * stands, at least one, at most {@code maxEntries}, stopping before the entry that would take
     * the counted bytes (key, value and {@code overhead} each) past {@code maxBytes}.
     */
    private static Taken take(RocksIterator it, Mode mode, long maxBytes, int maxEntries, int overhead, Sink sink)
            throws RocksDBException {
        int entries = 0;
        long bytes = 0;
        while (entries < maxEntries && it.isValid()) {
            byte[] key = it.key();
            byte[] value = mode == Mode.KV ? it.value() : null;
            long size = key.length + (value == null ? 0 : value.length) + overhead;
            if (entries > 0 && bytes + size > maxBytes) {
                break;
            }
            sink.add(key, value);
            bytes += size;
            entries++;
            it.next();
        }
        boolean done = !it.isValid();
        if (done) {
            it.status();
        }
        return new Taken(entries, bytes, done);
    }

    /** A growing buffer of {@code <<Len:32, Bytes>>} fields. */
    private static final class PackedBuffer {
        byte[] bytes;
        int length;

        PackedBuffer(int capacity) {
            bytes = new byte[capacity];
        }

        void add(byte[] key, byte[] value) {
            int need = 4 + key.length + (value == null ? 0 : 4 + value.length);
            if (length + need > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + need));
            }
            length = put(bytes, length, key);
            if (value != null) {
                length = put(bytes, length, value);
            }
        }
    }

    /** Writes {@code <<Len:32, Bytes>>} at {@code at}; returns the end. */
    private static int put(byte[] buf, int at, byte[] bytes) {
        int n = bytes.length;
        buf[at] = (byte) (n >>> 24);
        buf[at + 1] = (byte) (n >>> 16);
        buf[at + 2] = (byte) (n >>> 8);
        buf[at + 3] = (byte) n;
        System.arraycopy(bytes, 0, buf, at + 4, n);
        return at + 4 + n;
    }
}
