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
import org.rocksdb.Checkpoint;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/** The database requests: open, close, put, get, delete, destroy, count, flush, checkpoint. */
public final class DbOps {
    /** The options of flush: {@code wait} (default true); others ignored. */
    private static final Option.Reader FLUSH_OPTIONS = Option.Reader.open().bool("wait");

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
                .add("close", 1, Routes.Pool.LONG, this::close)
                .add("put", 4, Routes.Pool.QUICK, this::put)
                .add("get", 3, Routes.Pool.QUICK, this::get)
                .add("delete", 3, Routes.Pool.QUICK, this::delete)
                .add("count", 1, Routes.Pool.QUICK, this::count)
                .add("destroy", 2, Routes.Pool.LONG, this::destroy)
                .add("flush", 2, Routes.Pool.LONG, this::flush)
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
        Path path = guard.resolve(r.arg(0), "path");
        List<Option> opts = Option.parse(r.arg(1), "options");
        Ownership ownership = Ownership.extract(opts, r.from());
        OptionsMapping.DbOpen spec = OptionsMapping.dbOptions(opts);
        ThreadBudget.Grant grant;
        try {
            grant = threads.take(spec.options().maxBackgroundJobs(), "open");
        } catch (RequestException e) {
            spec.options().close();
            throw e;
        }
        try (grant) {
            return openClaimed(path, spec, ownership);
        }
    }

    private OtpErlangObject openClaimed(Path path, OptionsMapping.DbOpen spec, Ownership ownership)
            throws RequestException {
        claims.awaitClosed(path, 10_000);
        DirectoryClaims.Held claim;
        try {
            claim = claims.claim(DirectoryClaims.Claim.OPEN_DB, List.of(path));
        } catch (DirectoryClaims.Busy busy) {
            spec.options().close();
            throw RequestException.dbOpen("IO error: " + path + ": " + busy.blocker().why());
        }
        RocksDB db;
        try {
            db = spec.readOnly()
                    ? RocksDB.openReadOnly(spec.options(), path.toString())
                    : RocksDB.open(spec.options(), path.toString());
        } catch (RocksDBException e) {
            spec.options().close();
            claim.release();
            throw RequestException.dbOpen(Statuses.text(e));
        }
        // The handle holds the claim from here until its native close.
        DbHandle h = table.add(ref -> new DbHandle(ref, ownership, db, List.of(spec.options()), claim, spec.readOnly()));
        return Terms.ok(h.ref());
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
            return h.leased(d -> {
                d.db().put(w, key, value);
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
            return h.leased(d -> {
                d.db().delete(w, key);
                return Terms.OK;
            });
        }
    }

    /** {@code {count, Db}} -> the estimate-num-keys property, a bare integer as in erlang-rocksdb. */
    OtpErlangObject count(Request r) throws RequestException {
        return withDb(r, 0, d -> Terms.integer(d.db().getLongProperty("rocksdb.estimate-num-keys")));
    }

    /** {@code {flush, Db, Opts}}: writes the memtables to table files ({@code wait} defaults to true). */
    OtpErlangObject flush(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        boolean waitForFlush = FLUSH_OPTIONS.read(r.arg(1), "flush_options").bool("wait", true);
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(waitForFlush)) {
            return h.leased(d -> {
                d.db().flush(fo);
                return Terms.OK;
            });
        }
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
        OptionsMapping.DbOpen spec = OptionsMapping.dbOptions(opts);
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
