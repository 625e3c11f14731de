package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
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

    private IteratorChunks() {}

    /**
     * The entries from where {@code it} stands onward, within the bounds; leaves {@code it} on the
     * first entry not taken. A status error of the iterator (it stops on it) is thrown.
     */
    static Chunk read(RocksIterator it, Mode mode, long maxBytes, int maxEntries) throws RocksDBException {
        List<OtpErlangObject> entries = new ArrayList<>();
        long bytes = 0;
        while (entries.size() < maxEntries && it.isValid()) {
            byte[] key = it.key();
            byte[] value = mode == Mode.KV ? it.value() : null;
            long size = key.length + (value == null ? 0 : value.length) + ENTRY_OVERHEAD;
            if (!entries.isEmpty() && bytes + size > maxBytes) {
                break;
            }
            entries.add(mode == Mode.KV ? Terms.tuple(Terms.binary(key), Terms.binary(value)) : Terms.binary(key));
            bytes += size;
            it.next();
        }
        boolean done = !it.isValid();
        if (done) {
            it.status();
        }
        return new Chunk(entries, done, bytes);
    }
}
