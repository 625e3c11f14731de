package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;
import org.rocksdb.Checkpoint;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The database requests: the opens (with and without column family descriptors, read-write and
 * read-only), close, put, get, delete, destroy, count, checkpoint; and the open path every open
 * shares ({@link #openDb}). (Flush is {@link MaintenanceOps}'.)
 */
public final class DbOps {
    private static final Logger LOG = Logger.getLogger(DbOps.class.getName());

    private final HandleTable table;
    private final DirectoryClaims claims;
    private final PathGuard guard;
    private final ThreadBudget threads;

    public DbOps(HandleTable table, DirectoryClaims claims, PathGuard guard, ThreadBudget threads) {
        this.table = table;
        this.claims = claims;
        this.guard = guard;
        this.threads = threads;
    }

    public void register(Routes routes) {
        routes.add("open", 2, Routes.Pool.LONG, this::open)
                .add("open", 3, Routes.Pool.LONG, this::openWithFamilies)
                .add("open_with_cf", 3, Routes.Pool.LONG, this::openWithFamilies)
                .add("open_readonly", 2, Routes.Pool.LONG, this::openReadOnly)
                .add("open_readonly", 3, Routes.Pool.LONG, this::openWithFamiliesReadOnly)
                .add("open_with_cf_readonly", 3, Routes.Pool.LONG, this::openWithFamiliesReadOnly)
                .add("close", 1, Routes.Pool.LONG, this::close)
                .add("put", 4, Routes.Pool.QUICK, this::put)
                .add("get", 3, Routes.Pool.QUICK, this::get)
                .add("delete", 3, Routes.Pool.QUICK, this::delete)
                .add("count", 1, Routes.Pool.QUICK, this::count)
                .add("destroy", 2, Routes.Pool.LONG, this::destroy)
                .add("checkpoint", 2, Routes.Pool.LONG, this::checkpoint);
    }

    /**
     * The DB in argument {@code argIndex} of {@code r}, leased for {@code body}: the lookup's
     * {@code badarg}s, and a RocksDB status as {@code {error, {error, Text}}}.
     */
    <T> T withDb(Request r, int argIndex, DbHandle.Body<T> body) throws RequestException {
        return DbHandle.of(table, r.arg(argIndex)).leased(body);
    }

    /** {@code {open, Path, Opts}} -> {@code {ok, Db} | {error, {db_open, Text}}}. */
    OtpErlangObject open(Request r) throws RequestException {
        return openSingle(r, false);
    }

    /** {@code {open_readonly, Path, Opts}}: {@link #open} read-only, whatever the options say. */
    OtpErlangObject openReadOnly(Request r) throws RequestException {
        return openSingle(r, true);
    }

    private OtpErlangObject openSingle(Request r, boolean forceReadOnly) throws RequestException {
        Path path = guard.resolve(r.arg(0), "path");
        List<Option> opts = Option.parse(r.arg(1), "options");
        Ownership ownership = Ownership.extract(opts, r.from());
        OptionsMapping.DbOpen spec = OptionsMapping.dbOptions(opts, guard);
        Options o = spec.options();
        boolean readOnly = forceReadOnly || spec.readOnly();
        OpenPlan plan = new OpenPlan(readOnly, o.maxBackgroundJobs(), List.of(o),
                dir -> readOnly ? RocksDB.openReadOnly(o, dir) : RocksDB.open(o, dir),
                OptionsMapping.hasMergeOperator(opts));
        return Terms.ok(openDb(path, ownership, plan).ref());
    }

    /**
     * {@code {open, Path, DbOpts, [{Name, CfOpts}]}} (and {@code open_with_cf}) ->
     * {@code {ok, Db, [Cf]}}, the families in descriptor order ({@link FamilyOpen}).
     */
    OtpErlangObject openWithFamilies(Request r) throws RequestException {
        return openFamilies(r, false);
    }

    /** {@code {open_readonly, Path, DbOpts, Descriptors}} (and {@code open_with_cf_readonly}). */
    OtpErlangObject openWithFamiliesReadOnly(Request r) throws RequestException {
        return openFamilies(r, true);
    }

    private OtpErlangObject openFamilies(Request r, boolean forceReadOnly) throws RequestException {
        Path path = guard.resolve(r.arg(0), "path");
        List<Option> opts = Option.parse(r.arg(1), "options");
        Ownership ownership = Ownership.extract(opts, r.from());
        boolean readOnly = forceReadOnly || Option.Reader.open().bool("read_only").read(opts).bool("read_only", false);
        FamilyOpen families = FamilyOpen.of(opts, r.arg(2), readOnly,
                readOnly ? RocksDB::openReadOnly : RocksDB::open, guard);
        DbHandle h = openDb(path, ownership, families.plan());
        return families.reply(table, h);
    }

    /** A native open of a DB directory. */
    @FunctionalInterface
    interface NativeOpen {
        RocksDB open(String dir) throws RocksDBException;
    }

    /**
     * An open to run: read-only or not, the background jobs its options ask for, the option
     * objects it uses (freed after the DB closes, or at once when the open fails) and the native
     * open itself.
     *
     * {@code defaultMergeable}: whether the default family has a merge operator.
     */
    record OpenPlan(boolean readOnly, int backgroundJobs, List<? extends AutoCloseable> options, NativeOpen open,
            boolean defaultMergeable) {}

    /**
     * Opens a DB as every open does: within the thread budget, holding the directory's claim
     * (waiting for a closing DB there to finish), owned by {@code ownership}. Returns its handle,
     * already in the table; on failure the plan's options are freed.
     */
    DbHandle openDb(Path path, Ownership ownership, OpenPlan plan) throws RequestException {
        ThreadBudget.Grant grant;
        try {
            grant = threads.take(plan.backgroundJobs(), "open");
        } catch (RequestException e) {
            closeAll(plan.options());
            throw e;
        }
        try (grant) {
            return openClaimed(path, ownership, plan);
        }
    }

    private DbHandle openClaimed(Path path, Ownership ownership, OpenPlan plan) throws RequestException {
        claims.awaitClosed(path, 10_000);
        DirectoryClaims.Held claim;
        try {
            claim = claims.claim(DirectoryClaims.Claim.OPEN_DB, List.of(path));
        } catch (DirectoryClaims.Busy busy) {
            closeAll(plan.options());
            throw RequestException.dbOpen("IO error: " + path + ": " + busy.blocker().why());
        }
        RocksDB db;
        try {
            db = plan.open().open(path.toString());
        } catch (RocksDBException e) {
            closeAll(plan.options());
            claim.release();
            throw RequestException.dbOpen(Statuses.text(e));
        } catch (IllegalArgumentException e) {
            // rocksdbjni's own checks (a descriptor list without "default"), before RocksDB's.
            closeAll(plan.options());
            claim.release();
            throw RequestException.dbOpen("Invalid argument: " + e.getMessage());
        }
        // The handle holds the claim from here until its native close.
        return table.add(ref -> new DbHandle(ref, ownership, db, plan.options(), claim, plan.readOnly(),
                plan.defaultMergeable()));
    }

    static void closeAll(List<? extends AutoCloseable> options) {
        for (AutoCloseable o : options) {
            try {
                o.close();
            } catch (Exception e) {
                LOG.warning(() -> "freeing the options of a failed open failed: " + e);
            }
        }
    }

    OtpErlangObject close(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        if (!table.close(h)) {
            throw RequestException.closedHandle(h.ref());
        }
        return Terms.OK;
    }

    OtpErlangObject put(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        byte[] key = Terms.bytes(r.arg(1), "key");
        byte[] value = Terms.bytes(r.arg(2), "value");
        try (WriteOptions w = OptionsMapping.writeOptions(Option.parse(r.arg(3), "write_options"))) {
            return new Target(h, null).leasedWrite(w, (db, cf) -> {
                db.put(w, key, value);
                return Terms.OK;
            });
        }
    }

    OtpErlangObject get(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        byte[] key = Terms.bytes(r.arg(1), "key");
        try (ReadSpec spec = ReadSpec.of(table, h, r.arg(2), "read_options")) {
            return h.leased(d -> {
                byte[] v = d.db().get(spec.options(), key);
                return v == null ? Terms.atom("not_found") : Terms.ok(Terms.binary(v));
            });
        }
    }

    OtpErlangObject delete(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        byte[] key = Terms.bytes(r.arg(1), "key");
        try (WriteOptions w = OptionsMapping.writeOptions(Option.parse(r.arg(2), "write_options"))) {
            return new Target(h, null).leasedWrite(w, (db, cf) -> {
                db.delete(w, key);
                return Terms.OK;
            });
        }
    }

    /** {@code {count, Db}} -> the estimate-num-keys property, a bare integer as in erlang-rocksdb. */
    OtpErlangObject count(Request r) throws RequestException {
        return withDb(r, 0, d -> Terms.integer(d.db().getLongProperty("rocksdb.estimate-num-keys")));
    }

    /**
     * {@code {checkpoint, Db, Path}}: an openable copy of the DB at {@code Path} (hard links where
     * possible), the way to hand a consistent DB to a backup by path.
     */
    OtpErlangObject checkpoint(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        Path target = guard.resolve(r.arg(1), "path");
        return h.leased(d -> {
            try (Checkpoint cp = Checkpoint.create(d.db())) {
                cp.createCheckpoint(target.toString());
                return Terms.OK;
            }
        });
    }

    /**
     * {@code {destroy, Path, Opts}}: refused while a DB or backup engine open on this node, or a
     * backup by path, uses the directory, a directory inside it or one around it.
     */
    OtpErlangObject destroy(Request r) throws RequestException {
        Path path = guard.resolve(r.arg(0), "path");
        List<Option> opts = Option.parse(r.arg(1), "options");
        Ownership.extract(opts, r.from());
        OptionsMapping.DbOpen spec = OptionsMapping.dbOptions(opts, guard);
        DirectoryClaims.Held claim;
        try {
            claim = claims.claim(DirectoryClaims.Claim.REWRITE, List.of(path));
        } catch (DirectoryClaims.Busy busy) {
            spec.options().close();
            throw RequestException.dbInUse(r.arg(0));
        }
        try (Options o = spec.options()) {
            RocksDB.destroyDB(path.toString(), o);
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.status(Statuses.text(e));
        } finally {
            claim.release();
        }
    }
}
