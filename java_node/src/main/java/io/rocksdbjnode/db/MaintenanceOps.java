package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;

/** The maintenance requests: repair, compact_range, sync_wal, flush. All run on the long pool. */
public final class MaintenanceOps {
    /** What flush/3 reads as the default family (flush/2 sends it). */
    private static final String DEFAULT_FAMILY = "default_column_family";

    private final HandleTable table;
    private final DirectoryClaims claims;
    private final PathGuard guard;
    private final ThreadBudget threads;

    public MaintenanceOps(HandleTable table, DirectoryClaims claims, PathGuard guard, ThreadBudget threads) {
        this.table = table;
        this.claims = claims;
        this.guard = guard;
        this.threads = threads;
    }

    public void register(Routes routes) {
        routes.add("repair", 2, Routes.Pool.LONG, this::repair)
                .add("compact_range", 4, Routes.Pool.LONG, this::compactRange)
                .add("compact_range", 5, Routes.Pool.LONG, this::compactRange)
                // An fsync waits on the disk as a flush does: not for the quick pool.
                .add("sync_wal", 1, Routes.Pool.LONG, this::syncWal)
                .add("flush", 3, Routes.Pool.LONG, this::flush)
                .shorter("flush", 2, "flush", 3,
                        a -> new OtpErlangObject[] {a[0], Terms.atom(DEFAULT_FAMILY), a[1]});
    }

    /**
     * {@code {repair, Path, Opts}} -> {@code ok | {error, {error_db_repair, Text}}}: refused with
     * {@code {error, {db_in_use, Path}}} while a DB or backup engine open on this node, a backup
     * by path, a restore or a destroy uses the directory, one inside it or one around it.
     */
    OtpErlangObject repair(Request r) throws RequestException {
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
            if (!NativeRepair.available()) {
                throw RequestException.dbRepair("Not implemented: " + NativeRepair.unavailableReason());
            }
            String failure = NativeRepair.repair(o, path.toString());
            if (failure != null) {
                throw RequestException.dbRepair(failure);
            }
            return Terms.OK;
        } finally {
            claim.release();
        }
    }

    /**
     * {@code {compact_range, Db, [Cf,] Begin | undefined, End | undefined, Opts}} -> {@code ok}:
     * {@code undefined} leaves that end of the range open, as erlang-rocksdb documents (its NIF
     * compacts up to the empty key instead).
     */
    OtpErlangObject compactRange(Request r) throws RequestException {
        boolean withFamily = r.arity() == 5;
        Target target = withFamily ? Target.of(table, r.arg(0), r.arg(1)) : Target.of(table, r.arg(0));
        int b = withFamily ? 2 : 1;
        byte[] begin = bound(r.arg(b), "begin");
        byte[] end = bound(r.arg(b + 1), "end");
        try (CompactRangeOptions o = OptionsMapping.compactRangeOptions(Option.parse(r.arg(b + 2), "options"));
                ThreadBudget.Grant grant = threads.take(Math.max(0, o.maxSubcompactions() - 1), "compact_range")) {
            return target.leased((db, cf) -> {
                db.compactRange(cf, begin, end, o);
                return Terms.OK;
            });
        }
    }

    /** A range bound: a binary key, or {@code undefined} (null) for an open end. */
    private static byte[] bound(OtpErlangObject term, String name) throws RequestException {
        return "undefined".equals(Terms.atomName(term)) ? null : Terms.bytes(term, name);
    }

    /** {@code {sync_wal, Db}} -> {@code ok}: the WAL written so far is on disk. */
    OtpErlangObject syncWal(Request r) throws RequestException {
        return Target.of(table, r.arg(0)).leased((db, cf) -> {
            db.syncWal();
            return Terms.OK;
        });
    }

    /**
     * {@code {flush, Db, default_column_family | Cf | [Cf], Opts}} -> {@code ok}: writes the
     * memtables of those families to table files. Options: {@code wait} (default true),
     * {@code allow_write_stall}.
     */
    OtpErlangObject flush(Request r) throws RequestException {
        DbHandle db = DbHandle.of(table, r.arg(0));
        List<CfHandle> families = families(db, r.arg(1));
        try (FlushOptions fo = OptionsMapping.flushOptions(Option.parse(r.arg(2), "flush_options"))) {
            List<Handle.Lease> leases = new ArrayList<>();
            try {
                for (CfHandle cf : families == null ? List.<CfHandle>of() : families) {
                    leases.add(cf.lease());
                }
                return db.leased(d -> {
                    if (families == null) {
                        d.db().flush(fo, d.defaultColumnFamily());
                    } else {
                        List<ColumnFamilyHandle> natives = new ArrayList<>();
                        families.forEach(cf -> natives.add(cf.columnFamily()));
                        d.db().flush(fo, natives);
                    }
                    return Terms.OK;
                });
            } finally {
                leases.forEach(Handle.Lease::close);
            }
        }
    }

    /**
     * The families of a flush: null for {@code default_column_family} (the DB's default), one,
     * or a list (maybe empty: nothing to flush), each of {@code db}; {@code badarg} for anything
     * else.
     */
    private List<CfHandle> families(DbHandle db, OtpErlangObject term) throws RequestException {
        if (DEFAULT_FAMILY.equals(Terms.atomName(term))) {
            return null;
        }
        List<OtpErlangObject> terms = term instanceof OtpErlangList ? Terms.elements(term, "column_family") : List.of(term);
        List<CfHandle> out = new ArrayList<>();
        for (OtpErlangObject t : terms) {
            out.add(Target.of(table, db.ref(), t).cf());
        }
        return out;
    }
}
