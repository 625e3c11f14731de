package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The column family requests: listing the families of a DB directory, creating, dropping and
 * destroying them on an open DB, and the reads that name one ({@code get/4}, {@code count/2}).
 * The opens with column family descriptors are {@link DbOps}'s; the writes {@link WriteOps}'.
 */
public final class ColumnFamilyOps {
    private final HandleTable table;
    private final PathGuard guard;

    public ColumnFamilyOps(HandleTable table, PathGuard guard) {
        this.table = table;
        this.guard = guard;
    }

    public void register(Routes routes) {
        routes.add("list_column_families", 2, Routes.Pool.QUICK, this::list)
                .add("create_column_family", 3, Routes.Pool.LONG, this::create)
                .add("drop_column_family", 1, Routes.Pool.LONG, this::drop)
                .add("drop_column_family", 2, Routes.Pool.LONG, this::drop)
                .add("destroy_column_family", 1, Routes.Pool.LONG, this::destroy)
                .add("destroy_column_family", 2, Routes.Pool.LONG, this::destroy)
                .add("get", 4, Routes.Pool.QUICK, this::get)
                .add("count", 2, Routes.Pool.QUICK, this::count);
    }

    /**
     * {@code {list_column_families, Path, DbOpts}} -> {@code {ok, [Name]}} (charlists, as RocksDB
     * keeps them in the DB's MANIFEST, whether or not the DB is open) or
     * {@code {error, {db_open, Text}}}.
     */
    OtpErlangObject list(Request r) throws RequestException {
        Path path = guard.resolve(r.arg(0), "path");
        List<Option> opts = Option.parse(r.arg(1), "options");
        Ownership.extract(opts, r.from());
        try (Options o = OptionsMapping.dbOptions(opts).options()) {
            List<byte[]> listed = RocksDB.listColumnFamilies(o, path.toString());
            if (listed.isEmpty()) {
                // rocksdbjni gives an empty list where RocksDB's status says why (no DB there, most
                // often): a DB always has its "default" family.
                Path current = path.resolve("CURRENT");
                throw RequestException.dbOpen(Files.exists(current)
                        ? "IO error: no column families could be read from " + current
                        : "IO error: While opening a file for sequentially reading: " + current
                                + ": No such file or directory");
            }
            List<OtpErlangObject> names = new ArrayList<>();
            for (byte[] name : listed) {
                names.add(Terms.charlist(new String(name, StandardCharsets.UTF_8)));
            }
            return Terms.ok(Terms.list(names));
        } catch (RocksDBException e) {
            throw RequestException.dbOpen(Statuses.text(e));
        }
    }

    /** {@code {create_column_family, Db, Name, CfOpts}} -> {@code {ok, Cf}}; the handle frees its options. */
    OtpErlangObject create(Request r) throws RequestException {
        DbHandle h = DbHandle.of(table, r.arg(0));
        byte[] name = Terms.string(r.arg(1), "name").getBytes(StandardCharsets.UTF_8);
        List<Option> cfOpts = Option.parse(r.arg(2), "options");
        boolean mergeable = OptionsMapping.hasMergeOperator(cfOpts);
        ColumnFamilyOptions cfo = OptionsMapping.columnFamilyOptions(cfOpts);
        try {
            CfHandle cf = h.leased(d -> {
                ColumnFamilyHandle created = d.createColumnFamily(new ColumnFamilyDescriptor(name, cfo));
                return table.addChild(ref -> new CfHandle(ref, d, created, cfo, false, mergeable));
            });
            return Terms.ok(cf.ref());
        } catch (RequestException | RuntimeException e) {
            // Not created, or created and already freed with its handle (the DB began closing).
            if (cfo.isOwningHandle()) {
                cfo.close();
            }
            throw e;
        }
    }

    /**
     * {@code {drop_column_family, [Db,] Cf}} -> {@code ok}: the family is dropped from the DB; its
     * handle stays usable (its data readable) until destroyed or its DB closes. Dropping
     * {@code default} is RocksDB's {@code {error, {error, Text}}}.
     */
    OtpErlangObject drop(Request r) throws RequestException {
        Target t = target(r);
        t.leased((db, cf) -> {
            db.dropColumnFamily(cf);
            return null;
        });
        t.cf().markDropped();
        return Terms.OK;
    }

    /**
     * {@code {destroy_column_family, [Db,] Cf}} -> {@code ok}: frees the handle (its iterators
     * first); the family stays in the DB.
     */
    OtpErlangObject destroy(Request r) throws RequestException {
        CfHandle cf = target(r).cf();
        if (!table.close(cf)) {
            throw RequestException.closedHandle(cf.ref());
        }
        return Terms.OK;
    }

    /** {@code {get, Db, Cf, Key, ReadOpts}} -> {@code {ok, Value} | not_found}. */
    OtpErlangObject get(Request r) throws RequestException {
        Target t = Target.of(table, r.arg(0), r.arg(1));
        byte[] key = Terms.bytes(r.arg(2), "key");
        try (ReadSpec spec = ReadSpec.of(table, t.db(), r.arg(3), "read_options")) {
            return t.leased((db, cf) -> {
                byte[] v = db.get(cf, spec.options(), key);
                return v == null ? Terms.atom("not_found") : Terms.ok(Terms.binary(v));
            });
        }
    }

    /** {@code {count, Db, Cf}} -> the family's estimate-num-keys, a bare integer. */
    OtpErlangObject count(Request r) throws RequestException {
        return Target.of(table, r.arg(0), r.arg(1))
                .leased((db, cf) -> Terms.integer(db.getLongProperty(cf, "rocksdb.estimate-num-keys")));
    }

    /** The family of {@code {Name, Cf}} or {@code {Name, Db, Cf}} (which must be of that DB). */
    private Target target(Request r) throws RequestException {
        if (r.arity() == 1) {
            CfHandle cf = CfHandle.of(table, r.arg(0));
            return new Target(cf.db(), cf);
        }
        return Target.of(table, r.arg(0), r.arg(1));
    }
}
