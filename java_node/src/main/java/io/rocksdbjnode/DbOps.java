package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.rocksdb.Checkpoint;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/** The database requests: open, close, put, get, delete, destroy, count. */
final class DbOps {
    private final HandleTable table;
    private final PathGuard guard;
    private final ThreadBudget threads;

    DbOps(HandleTable table, PathGuard guard, ThreadBudget threads) {
        this.table = table;
        this.guard = guard;
        this.threads = threads;
    }

    void register(Routes routes) {
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
        table.awaitClosed(path, 10_000);
        List<Path> dirs = List.of(path);
        Optional<HandleTable.Blocker> busy = table.claim(HandleTable.Claim.OPEN_DB, dirs);
        if (busy.isPresent()) {
            spec.options().close();
            throw RequestException.text("db_open", "IO error: " + path + ": " + busy.get().why());
        }
        try {
            RocksDB db;
            try {
                db = spec.readOnly()
                        ? RocksDB.openReadOnly(spec.options(), path.toString())
                        : RocksDB.open(spec.options(), path.toString());
            } catch (RocksDBException e) {
                spec.options().close();
                throw RequestException.text("db_open", Statuses.text(e));
            }
            DbHandle h = table.add(ref -> new DbHandle(ref, ownership, db, spec.options(), path, spec.readOnly()));
            return Terms.ok(h.ref());
        } finally {
            table.release(HandleTable.Claim.OPEN_DB, dirs);
        }
    }

    OtpErlangObject close(Request r) throws RequestException {
        DbHandle h = table.db(r.arg(0));
        if (!table.close(h)) {
            throw RequestException.badarg(Terms.tuple(Terms.atom("closed_handle"), h.ref()));
        }
        return Terms.OK;
    }

    OtpErlangObject put(Request r) throws RequestException {
        DbHandle h = table.db(r.arg(0));
        byte[] key = Terms.bytes(r.arg(1), "key");
        byte[] value = Terms.bytes(r.arg(2), "value");
        try (WriteOptions w = OptionsMapping.writeOptions(Option.parse(r.arg(3), "write_options"));
                Handle.Lease l = h.lease()) {
            h.db().put(w, key, value);
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.text("error", Statuses.text(e));
        }
    }

    OtpErlangObject get(Request r) throws RequestException {
        DbHandle h = table.db(r.arg(0));
        byte[] key = Terms.bytes(r.arg(1), "key");
        try (ReadOptions ro = OptionsMapping.readOptions(Option.parse(r.arg(2), "read_options"));
                Handle.Lease l = h.lease()) {
            byte[] v = h.db().get(ro, key);
            return v == null ? Terms.atom("not_found") : Terms.ok(Terms.binary(v));
        } catch (RocksDBException e) {
            throw RequestException.text("error", Statuses.text(e));
        }
    }

    OtpErlangObject delete(Request r) throws RequestException {
        DbHandle h = table.db(r.arg(0));
        byte[] key = Terms.bytes(r.arg(1), "key");
        try (WriteOptions w = OptionsMapping.writeOptions(Option.parse(r.arg(2), "write_options"));
                Handle.Lease l = h.lease()) {
            h.db().delete(w, key);
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.text("error", Statuses.text(e));
        }
    }

    /** {@code {count, Db}} -> the estimate-num-keys property, a bare integer as in erlang-rocksdb. */
    OtpErlangObject count(Request r) throws RequestException {
        DbHandle h = table.db(r.arg(0));
        try (Handle.Lease l = h.lease()) {
            return Terms.integer(h.db().getLongProperty("rocksdb.estimate-num-keys"));
        } catch (RocksDBException e) {
            throw RequestException.text("error", Statuses.text(e));
        }
    }

    /** {@code {flush, Db, Opts}}: writes the memtables to table files ({@code wait} defaults to true). */
    OtpErlangObject flush(Request r) throws RequestException {
        DbHandle h = table.db(r.arg(0));
        boolean waitForFlush = true;
        for (Option o : Option.parse(r.arg(1), "flush_options")) {
            if (o.key().equals("wait")) {
                waitForFlush = o.bool();
            }
        }
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(waitForFlush); Handle.Lease l = h.lease()) {
            h.db().flush(fo);
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.text("error", Statuses.text(e));
        }
    }

    /**
     * {@code {checkpoint, Db, Path}}: an openable copy of the DB at {@code Path} (hard links where
     * possible), the way to hand a consistent DB to a backup by path.
     */
    OtpErlangObject checkpoint(Request r) throws RequestException {
        DbHandle h = table.db(r.arg(0));
        Path target = guard.resolve(r.arg(1), "path");
        try (Handle.Lease l = h.lease(); Checkpoint cp = Checkpoint.create(h.db())) {
            cp.createCheckpoint(target.toString());
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.text("error", Statuses.text(e));
        }
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
        List<Path> dirs = List.of(path);
        if (table.claim(HandleTable.Claim.REWRITE, dirs).isPresent()) {
            spec.options().close();
            throw RequestException.error(Terms.tuple(Terms.atom("db_in_use"), r.arg(0)));
        }
        try (Options o = spec.options()) {
            RocksDB.destroyDB(path.toString(), o);
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.text("error", Statuses.text(e));
        } finally {
            table.release(HandleTable.Claim.REWRITE, dirs);
        }
    }
}
