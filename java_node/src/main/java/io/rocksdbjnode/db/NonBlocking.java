package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.WriteOptions;

/**
 * The attempts ({@link Routes.Attempt}) a connection's reader thread makes at the commonest
 * quick requests, so that they are answered without a thread hand-off:
 * <ul>
 * <li>a get that RocksDB can answer from its memtables and block cache: read tier
 *     {@code kBlockCacheTier}, under which a get that would read the disk returns Incomplete
 *     instead;
 * <li>a put, delete or packed write (the client's {@code write/3}) that RocksDB takes without
 *     waiting: {@code no_slowdown}, under which a write that would be delayed or stopped (a write
 *     stall) returns Incomplete and writes nothing; never a synced one, and none while a synced
 *     write of the same DB runs on a pool thread, whose write group it could join and whose fsync
 *     it would then wait for ({@link DbHandle#syncing}).
 * </ul>
 * Only requests with no options, or write options that only say {@code {sync, false}}, are
 * attempted, so the attempt's options equal the pool's but for the tier or the stall. Anything
 * else, and any failure (a bad handle, a closing DB, a RocksDB error, Incomplete), gives null: the
 * quick pool then serves the request from the start, with the reply it has always had. A write
 * that failed wrote nothing (RocksDB's writes are atomic), so serving it again is safe.
 */
public final class NonBlocking {
    /** Shared by every reader: RocksDB only reads options, and these are never changed. */
    private static final ReadOptions CACHED_ONLY = new ReadOptions().setReadTier(ReadTier.BLOCK_CACHE_TIER);
    private static final WriteOptions NO_STALL = new WriteOptions().setNoSlowdown(true);
    private static final OtpErlangTuple SYNC_FALSE = Terms.tuple(Terms.atom("sync"), new OtpErlangAtom(false));

    private final HandleTable table;

    public NonBlocking(HandleTable table) {
        this.table = table;
    }

    /** Gives the routes of get, put, delete (each with and without a family) and write_packed their attempts. */
    public void register(Routes routes) {
        routes.attempt("get", 3, r -> get(r, false))
                .attempt("get", 4, r -> get(r, true))
                .attempt("put", 4, r -> write(r, false, Op.PUT))
                .attempt("put", 5, r -> write(r, true, Op.PUT))
                .attempt("delete", 3, r -> write(r, false, Op.DELETE))
                .attempt("delete", 4, r -> write(r, true, Op.DELETE))
                .attempt("write_packed", 4, this::writePacked);
    }

    enum Op { PUT, DELETE }

    /** {@code {get, Db, [Cf,] Key, []}}. */
    OtpErlangObject get(Request r, boolean withFamily) {
        int at = withFamily ? 2 : 1;
        if (!noOptions(r.arg(at + 1), false)) {
            return null;
        }
        try {
            Target t = target(r, withFamily);
            byte[] key = Terms.bytes(r.arg(at), "key");
            return t.leased((db, cf) -> {
                byte[] v = db.get(cf, CACHED_ONLY, key);
                return v == null ? Terms.atom("not_found") : Terms.ok(Terms.binary(v));
            });
        } catch (RequestException | RuntimeException e) {
            return null;
        }
    }

    /** {@code {put, Db, [Cf,] Key, Value, Opts}} and {@code {delete, Db, [Cf,] Key, Opts}}. */
    OtpErlangObject write(Request r, boolean withFamily, Op op) {
        int at = withFamily ? 2 : 1;
        int optsAt = at + (op == Op.PUT ? 2 : 1);
        if (!noOptions(r.arg(optsAt), true)) {
            return null;
        }
        try {
            Target t = target(r, withFamily);
            if (t.db().syncedWriteRunning()) {
                return null;
            }
            byte[] key = Terms.bytes(r.arg(at), "key");
            byte[] value = op == Op.PUT ? Terms.bytes(r.arg(at + 1), "value") : null;
            return t.leased((db, cf) -> {
                if (op == Op.PUT) {
                    db.put(cf, NO_STALL, key, value);
                } else {
                    db.delete(cf, NO_STALL, key);
                }
                return Terms.OK;
            });
        } catch (RequestException | RuntimeException e) {
            return null;
        }
    }

    /** {@code {write_packed, Db, Families, Packed, Opts}}: the client's write/3. */
    OtpErlangObject writePacked(Request r) {
        if (!noOptions(r.arg(3), true)) {
            return null;
        }
        try {
            DbHandle h = DbHandle.of(table, r.arg(0));
            if (h.syncedWriteRunning()) {
                return null;
            }
            byte[] packed = Terms.bytes(r.arg(2), "operations");
            try (WriteBatchSpec batch = WriteBatchSpec.ofPacked(table, h, r.arg(1), packed)) {
                return new Target(h, null).leased((db, cf) -> {
                    db.write(NO_STALL, batch.batch());
                    return Terms.OK;
                });
            }
        } catch (RequestException | RuntimeException e) {
            return null;
        }
    }

    private Target target(Request r, boolean withFamily) throws RequestException {
        return withFamily ? Target.of(table, r.arg(0), r.arg(1)) : Target.of(table, r.arg(0));
    }

    /** {@code []}, or for writes also a list of only {@code {sync, false}}: the default options. */
    private static boolean noOptions(OtpErlangObject opts, boolean write) {
        if (!(opts instanceof OtpErlangList l)) {
            return false;
        }
        if (l.arity() == 0) {
            return true;
        }
        if (!write || l.getLastTail() != null) {
            return false;
        }
        for (OtpErlangObject o : l.elements()) {
            if (!SYNC_FALSE.equals(o)) {
                return false;
            }
        }
        return true;
    }
}
