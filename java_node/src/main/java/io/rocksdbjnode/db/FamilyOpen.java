package io.rocksdbjnode.db;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * An open with column family descriptors {@code [{Name, CfOpts}]}, whatever opens the DB
 * ({@code RocksDB.open}, {@code openReadOnly}, {@code OptimisticTransactionDB.open}): the
 * descriptors decoded into an {@link DbOps.OpenPlan}, and after the open the families as
 * {@link CfHandle}s of the new DB, in descriptor order: {@code {ok, Db, [Cf]}}. RocksDB wants
 * every family of the DB named, {@code "default"} too.
 */
final class FamilyOpen {
    /** A native open with column family descriptors; fills {@code handles} in descriptor order. */
    @FunctionalInterface
    interface Native {
        RocksDB open(DBOptions options, String dir, List<ColumnFamilyDescriptor> descriptors,
                List<ColumnFamilyHandle> handles) throws RocksDBException;
    }

    /** A column family descriptor {@code {Name, CfOpts}}: the name as RocksDB keeps it (UTF-8). */
    record Family(byte[] name, List<Option> options) {
        static Family of(OtpErlangObject term) throws RequestException {
            if (term instanceof OtpErlangTuple t && t.arity() == 2) {
                String name = Terms.string(t.elementAt(0), "column_family_name");
                return new Family(name.getBytes(StandardCharsets.UTF_8),
                        Option.parse(t.elementAt(1), "column_family_options"));
            }
            throw RequestException.badArgument("column_families");
        }
    }

    private final List<ColumnFamilyDescriptor> descriptors;
    /** Per descriptor: whether its options give it a merge operator. */
    private final List<Boolean> mergeable;
    /** The native families, filled by the open. */
    private final List<ColumnFamilyHandle> handles;
    private final DbOps.OpenPlan plan;

    private FamilyOpen(List<ColumnFamilyDescriptor> descriptors, List<Boolean> mergeable,
            List<ColumnFamilyHandle> handles, DbOps.OpenPlan plan) {
        this.descriptors = descriptors;
        this.mergeable = mergeable;
        this.handles = handles;
        this.plan = plan;
    }

    /**
     * The open of a DB with the DB-wide options {@code dbOptions} (its ownership entries already
     * taken out) and the descriptors {@code descriptorsTerm}; {@code readOnly} as the open is; path options confined by {@code guard}.
     */
    static FamilyOpen of(List<Option> dbOptions, OtpErlangObject descriptorsTerm, boolean readOnly, Native how,
            PathGuard guard)
            throws RequestException {
        List<OtpErlangObject> terms = Terms.elements(descriptorsTerm, "column_families");
        OptionsMapping.DbOpenWithFamilies spec = OptionsMapping.dbWideOptions(dbOptions, guard);
        List<AutoCloseable> options = new ArrayList<>();
        options.add(spec.options());
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        List<Boolean> mergeable = new ArrayList<>();
        try {
            for (OtpErlangObject d : terms) {
                Family f = Family.of(d);
                mergeable.add(OptionsMapping.hasMergeOperator(f.options()));
                ColumnFamilyOptions cfo = OptionsMapping.columnFamilyOptions(f.options());
                options.add(cfo);
                descriptors.add(new ColumnFamilyDescriptor(f.name(), cfo));
            }
            // rocksdbjni throws IllegalArgumentException here; RocksDB's own status, as the NIF gives it.
            if (descriptors.stream().noneMatch(d -> Arrays.equals(d.getName(), RocksDB.DEFAULT_COLUMN_FAMILY))) {
                throw RequestException.dbOpen("Invalid argument: Default column family not specified");
            }
        } catch (RequestException | RuntimeException e) {
            DbOps.closeAll(options);
            throw e;
        }
        DBOptions o = spec.options();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        boolean defaultMergeable = false;
        for (int i = 0; i < descriptors.size(); i++) {
            if (Arrays.equals(descriptors.get(i).getName(), RocksDB.DEFAULT_COLUMN_FAMILY)) {
                defaultMergeable = mergeable.get(i);
            }
        }
        DbOps.OpenPlan plan = new DbOps.OpenPlan(readOnly, o.maxBackgroundJobs(), options,
                dir -> how.open(o, dir, descriptors, handles), defaultMergeable);
        return new FamilyOpen(descriptors, mergeable, handles, plan);
    }

    /** The plan for {@link DbOps#openDb}: the DB frees the families' options after it closes. */
    DbOps.OpenPlan plan() {
        return plan;
    }

    /**
     * {@code {ok, Db, [Cf]}} for the DB this open made: its families become its children, in
     * descriptor order. Should the DB close meanwhile, the families not yet adopted are freed
     * (inside the DB's lease, so before the DB) and the reply is the DB's {@code closed_handle}.
     */
    OtpErlangObject reply(HandleTable table, DbHandle h) throws RequestException {
        List<OtpErlangObject> cfs = h.leased(d -> {
            List<OtpErlangObject> refs = new ArrayList<>();
            int i = 0;
            try {
                for (; i < handles.size(); i++) {
                    ColumnFamilyHandle cf = handles.get(i);
                    boolean isDefault = Arrays.equals(descriptors.get(i).getName(), RocksDB.DEFAULT_COLUMN_FAMILY);
                    boolean merges = mergeable.get(i);
                    refs.add(table.addChild(ref -> new CfHandle(ref, d, cf, null, isDefault, merges)).ref());
                }
            } catch (RequestException e) {
                // addChild freed the family it failed on; free those after it.
                for (int j = i + 1; j < handles.size(); j++) {
                    handles.get(j).close();
                }
                throw e;
            }
            return refs;
        });
        return Terms.tuple(Terms.OK, h.ref(), Terms.list(cfs));
    }
}
