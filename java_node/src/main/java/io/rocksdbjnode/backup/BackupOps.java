package io.rocksdbjnode.backup;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.Ownership;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.Statuses;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Outbox;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** The backup engine requests, with erlang-rocksdb's names and reply shapes. */
public final class BackupOps {
    private static final Logger LOG = Logger.getLogger(BackupOps.class.getName());
    /** The options of create_new_backup; others are {@code bad_option}. */
    private static final Option.Reader CREATE_OPTIONS = AsyncJobs.withAsyncOptions(Option.Reader.closed())
            .bool("flush_before_backup")
            .key("metadata", o -> {
                o.expectArity(1);
                return o.value() instanceof OtpErlangBinary b
                        ? b.binaryValue()
                        : Terms.string(o.value(), "metadata").getBytes(StandardCharsets.UTF_8);
            });
    /** The options of verify_backup; others are {@code bad_option}. */
    private static final Option.Reader VERIFY_OPTIONS = Option.Reader.closed().bool("verify_with_checksum");
    /** The options of the restores; others are {@code bad_option}. */
    private static final Option.Reader RESTORE_OPTIONS =
            AsyncJobs.withAsyncOptions(Option.Reader.closed()).bool("keep_log_files");

    private final HandleTable table;
    private final DirectoryClaims claims;
    private final SourceDbs dbs;
    private final BackupSlots slots;
    private final PathGuard guard;
    private final ThreadBudget threads;
    private final AsyncJobs jobs;
    private final BackupStats stats = new BackupStats();

    /**
     * @param outbox sends the async calls' progress and completions; null for a node without
     *     them (an async call is then refused as not_connected)
     * @param mint mints the async calls' references
     */
    public BackupOps(HandleTable table, DirectoryClaims claims, SourceDbs dbs, PathGuard guard, ThreadBudget threads,
            BackupSlots slots, Outbox outbox, Supplier<OtpErlangRef> mint) {
        this.table = table;
        this.slots = slots;
        this.claims = claims;
        this.dbs = dbs;
        this.guard = guard;
        this.threads = threads;
        this.jobs = new AsyncJobs(outbox, mint);
    }

    /** The backups and restores running and done, for the node's stats. */
    public BackupStats stats() {
        return stats;
    }

    /** Serves the backup requests in {@code routes}. */
    public void register(Routes routes) {
        if (NativeBackupStop.available()) {
            LOG.info("stop_backup: RocksDB's native StopBackup is available");
        } else {
            LOG.warning("stop_backup: RocksDB's native StopBackup is unavailable; a stopped backup will run "
                    + "to its end and then be deleted");
        }
        routes.add("open_backup_engine", 2, Routes.Pool.LONG, this::open)
                .add("create_new_backup", 3, Routes.Pool.LONG, this::create)
                .add("get_backup_info", 1, Routes.Pool.QUICK, this::info)
                .add("verify_backup", 3, Routes.Pool.LONG, this::verify)
                .add("stop_backup", 1, Routes.Pool.QUICK, this::stop)
                .add("delete_backup", 2, Routes.Pool.LONG, this::delete)
                .add("purge_old_backup", 2, Routes.Pool.LONG, this::purge)
                .add("gc_backup_engine", 1, Routes.Pool.LONG, this::gc)
                .add("close_backup_engine", 1, Routes.Pool.LONG, this::close)
                .add("restore_db_from_backup", 5, Routes.Pool.LONG, this::restore)
                .add("restore_db_from_latest_backup", 4, Routes.Pool.LONG, this::restoreLatest)
                // The shorter arities of erlang-rocksdb's functions, with the client's defaults.
                .withoutOptions("open_backup_engine", 2)
                .withoutOptions("create_new_backup", 3)
                .withoutOptions("verify_backup", 3)
                .withoutOptions("restore_db_from_backup", 5)
                .shorter("restore_db_from_backup", 3, "restore_db_from_backup", 5,
                        a -> Routes.append(a, a[2], Routes.NO_OPTIONS))
                .withoutOptions("restore_db_from_latest_backup", 4)
                .shorter("restore_db_from_latest_backup", 2, "restore_db_from_latest_backup", 4,
                        a -> Routes.append(a, a[1], Routes.NO_OPTIONS))
                // The seed document's names.
                .shorter("restore_from_backup", 4, "restore_db_from_backup", 5,
                        a -> Routes.append(a, Routes.NO_OPTIONS))
                .shorter("restore_from_latest_backup", 3, "restore_db_from_latest_backup", 4,
                        a -> Routes.append(a, Routes.NO_OPTIONS));
    }

    /** {@code {open_backup_engine, Dir, Opts}}: creates the directory when missing, as RocksDB's C++ engine does. */
    OtpErlangObject open(Request r) throws RequestException {
        Path dir = guard.resolve(r.arg(0), "path");
        List<Option> opts = Option.parse(r.arg(1), "options");
        Ownership ownership = Ownership.extract(opts, r.from());
        List<Consumer<BackupEngineOptions>> settings = BackupEngineSettings.check(opts);
        DirectoryClaims.Held claim;
        try {
            claim = claims.claim(DirectoryClaims.Claim.OPEN_ENGINE, List.of(dir));
        } catch (DirectoryClaims.Busy busy) {
            throw RequestException.backupEngineOpen("IO error: " + dir + ": " + busy.blocker().why());
        }
        boolean opened = false;
        try {
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                throw RequestException.backupEngineOpen("IO error: " + dir + ": exists but is not a directory");
            } catch (IOException e) {
                throw RequestException.backupEngineOpen(Statuses.text(e));
            }
            BackupEngineOptions beo = BackupEngineSettings.apply(dir, settings);
            ThreadBudget.Grant grant;
            try {
                // RocksDB starts the engine's copy threads as it opens.
                grant = threads.take(beo.maxBackgroundOperations(), "open_backup_engine");
            } catch (RequestException e) {
                beo.close();
                throw e;
            }
            try (grant) {
                // The handle holds the claim from here until its native close.
                BackupEngineHandle h = table.add(ref -> openEngine(ref, ownership, claim, beo));
                opened = true;
                return Terms.ok(h.ref());
            } catch (EngineOpenFailure e) {
                throw RequestException.backupEngineOpen(e.getMessage());
            }
        } finally {
            if (!opened) {
                claim.release();
            }
        }
    }

    private static final class EngineOpenFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EngineOpenFailure(String text) {
            super(text, null, false, false);
        }
    }

    private BackupEngineHandle openEngine(OtpErlangRef ref, Ownership o, DirectoryClaims.Held claim,
            BackupEngineOptions beo) {
        try {
            return BackupEngineHandle.open(ref, o, claim, beo, slots);
        } catch (RocksDBException e) {
            throw new EngineOpenFailure(Statuses.text(e));
        } catch (IOException e) {
            throw new EngineOpenFailure(Statuses.text(e));
        }
    }

    /**
     * {@code {create_new_backup, Engine, DbOrPath, Opts}}. A path names a DB that is not open on
     * this node (when it is, that handle is used): it is opened read-only for the backup, never
     * written, and refused when its WAL holds writes a read-only backup would drop.
     */
    OtpErlangObject create(Request r) throws Exception {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        Option.Values opts = CREATE_OPTIONS.read(r.arg(2), "options");
        boolean flush = opts.bool("flush_before_backup", false);
        byte[] metadata = opts.get("metadata", byte[].class, null);
        AsyncJobs.Job job = jobs.of(r, opts);
        SourceDbs.Source db = r.arg(1) instanceof OtpErlangRef ? dbs.byHandle(r.arg(1)) : null;
        Path source = db == null ? guard.resolve(r.arg(1), "db") : null;
        if (db == null) {
            Optional<SourceDbs.Source> open = dbs.at(source);
            if (open.isPresent()) {
                db = open.get();
            }
        }
        try (Handle.Lease el = engine.lease()) {
            if (db != null) {
                try (Handle.Lease dl = db.handle().lease()) {
                    if (db.readOnly()) {
                        List<ColumnFamilyHandle> families = db.families().get();
                        refuseMissingFamilies(families, db.handle().dir());
                        refuseWalOnlyWrites(db.db(), families, db.handle().dir());
                    }
                    backup(engine, db.db(), db.handle().dir(), flush && !db.readOnly(), flush, metadata, job);
                }
            } else {
                backupByPath(engine, source, metadata, job);
            }
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.status(Statuses.text(e));
        } finally {
            job.end();
        }
    }

    /**
     * The backup itself, once everything is checked and held: the moment an async call starts
     * (its job estimates with {@code estimateFlushed}: whether the backup will flush first).
     */
    private void backup(BackupEngineHandle engine, RocksDB db, Path dbDir, boolean estimateFlushed, boolean flush,
            byte[] metadata, AsyncJobs.Job job) throws RocksDBException, RequestException, IOException {
        job.start(() -> ProgressScan.backupTotals(db, dbDir, engine.dir(), estimateFlushed),
                ProgressScan.baseline(ProgressScan.engineDirs(engine.dir())));
        stats.backups().incrementAndGet();
        try {
            BackupEngineHandle.BackupView made = engine.createNewBackup(db, flush, metadata);
            if (made != null) {
                stats.backedUp(made.size());
            }
        } finally {
            stats.backups().decrementAndGet();
        }
        job.succeeded();
    }

    /**
     * Backs up the DB at {@code source}, opened read-only for the duration. Its directory is
     * claimed for reading meanwhile, so that no restore or destroy deletes the files being copied.
     */
    private void backupByPath(BackupEngineHandle engine, Path source, byte[] metadata, AsyncJobs.Job job)
            throws RocksDBException, RequestException, IOException {
        DirectoryClaims.Held claim;
        try {
            claim = claims.claim(DirectoryClaims.Claim.READ, List.of(source));
        } catch (DirectoryClaims.Busy busy) {
            throw RequestException.status("IO error: " + source + ": " + busy.blocker().why());
        }
        try {
            if (!Files.isDirectory(source)) {
                throw RequestException.status("IO error: " + source + ": not a database directory");
            }
            try (ReadOnlySource ro = ReadOnlySource.open(source)) {
                refuseWalOnlyWrites(ro.db(), ro.families(), source);
                backup(engine, ro.db(), source, false, false, metadata, job);
            }
        } finally {
            claim.release();
        }
    }

    /**
     * A DB opened read-only with only some of its column families: RocksDB backs up the files of
     * the open ones alone, while the backup's MANIFEST names them all, so the restored DB would
     * not open. Refused, rather than made.
     */
    private static void refuseMissingFamilies(List<ColumnFamilyHandle> open, Path dir)
            throws RocksDBException, RequestException {
        List<String> onDisk = new ArrayList<>();
        try (Options o = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(o, dir.toString())) {
                onDisk.add(new String(name, StandardCharsets.UTF_8));
            }
        }
        for (ColumnFamilyHandle cf : open) {
            onDisk.remove(new String(cf.getName(), StandardCharsets.UTF_8));
        }
        if (!onDisk.isEmpty()) {
            throw RequestException.status("Invalid argument: " + dir + " is open read-only without its column "
                    + "families " + onDisk + ", whose files a backup of it would lack; open it with all of them, "
                    + "or close it and back it up by path");
        }
    }

    /**
     * A backup of a read-only DB drops the writes that are only in its WAL (RocksDB 9.4 and
     * later): refuse it, with a clear error, rather than make a backup that silently lacks them.
     * Every family's memtables count.
     */
    private static void refuseWalOnlyWrites(RocksDB readOnly, List<ColumnFamilyHandle> families, Path dir)
            throws RocksDBException, RequestException {
        long walOnly = 0;
        for (ColumnFamilyHandle cf : families) {
            walOnly += readOnly.getLongProperty(cf, "rocksdb.num-entries-active-mem-table")
                    + readOnly.getLongProperty(cf, "rocksdb.num-entries-imm-mem-tables");
        }
        if (walOnly > 0) {
            throw RequestException.status("Invalid argument: " + dir + " holds " + walOnly
                    + " writes only in its WAL, which a backup of a read-only open would drop; open it "
                    + "read-write on this node and back up the handle, or back up a checkpoint of it");
        }
    }

    OtpErlangObject info(Request r) throws RequestException {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        Optional<String> gone = engine.directoryGone();
        if (gone.isPresent()) {
            throw RequestException.status(gone.get());
        }
        List<OtpErlangObject> infos = new ArrayList<>();
        for (BackupEngineHandle.BackupView b : engine.backups()) {
            List<OtpErlangObject> keys = new ArrayList<>(List.of(
                    Terms.atom("id"), Terms.atom("backup_id"), Terms.atom("timestamp"),
                    Terms.atom("size"), Terms.atom("number_files")));
            List<OtpErlangObject> values = new ArrayList<>(List.of(
                    Terms.integer(b.id()), Terms.integer(b.id()), Terms.integer(b.timestamp()),
                    Terms.integer(b.size()), Terms.integer(b.numberFiles())));
            if (b.appMetadata() != null) {
                keys.add(Terms.atom("app_metadata"));
                values.add(Terms.binary(b.appMetadata()));
            }
            infos.add(new OtpErlangMap(keys.toArray(new OtpErlangObject[0]), values.toArray(new OtpErlangObject[0])));
        }
        return Terms.ok(Terms.list(infos));
    }

    OtpErlangObject verify(Request r) throws Exception {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        int id = Terms.nonNegativeInt(r.arg(1), "backup_id");
        boolean withChecksum = VERIFY_OPTIONS.read(r.arg(2), "options").bool("verify_with_checksum", false);
        try (Handle.Lease l = engine.lease()) {
            Optional<String> failure = engine.verifyBackup(id, withChecksum);
            if (failure.isPresent()) {
                throw RequestException.status(failure.get());
            }
            return Terms.OK;
        }
    }

    OtpErlangObject stop(Request r) throws RequestException {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        try (Handle.Lease l = engine.lease()) {
            engine.stopBackup();
        }
        return Terms.OK;
    }

    OtpErlangObject delete(Request r) throws Exception {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        int id = Terms.nonNegativeInt(r.arg(1), "backup_id");
        return engineCall(engine, () -> engine.deleteBackup(id));
    }

    OtpErlangObject purge(Request r) throws Exception {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        int keep = Terms.nonNegativeInt(r.arg(1), "num_backups_to_keep");
        return engineCall(engine, () -> engine.purgeOldBackups(keep));
    }

    OtpErlangObject gc(Request r) throws Exception {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        return engineCall(engine, engine::garbageCollect);
    }

    OtpErlangObject close(Request r) throws RequestException {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        if (!table.close(engine)) {
            throw RequestException.closedHandle(engine.ref());
        }
        return Terms.OK;
    }

    /** {@code {restore_db_from_backup, Engine, Id, DbDir, WalDir, Opts}}. */
    OtpErlangObject restore(Request r) throws Exception {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        int id = Terms.nonNegativeInt(r.arg(1), "backup_id");
        return restoreInto(r, engine, id, 2);
    }

    /** {@code {restore_db_from_latest_backup, Engine, DbDir, WalDir, Opts}}. */
    OtpErlangObject restoreLatest(Request r) throws Exception {
        BackupEngineHandle engine = BackupEngineHandle.of(table, r.arg(0));
        return restoreInto(r, engine, -1, 1);
    }

    private OtpErlangObject restoreInto(Request r, BackupEngineHandle engine, int id, int first) throws Exception {
        Path dbDir = guard.resolve(r.arg(first), "db_dir");
        Path walDir = guard.resolve(r.arg(first + 1), "wal_dir");
        Option.Values opts = RESTORE_OPTIONS.read(r.arg(first + 2), "options");
        boolean keepLogFiles = opts.bool("keep_log_files", false);
        AsyncJobs.Job job = jobs.of(r, opts);
        List<Path> dirs = dbDir.equals(walDir) ? List.of(dbDir) : List.of(dbDir, walDir);
        DirectoryClaims.Held claim;
        try {
            claim = claims.claim(DirectoryClaims.Claim.REWRITE, dirs);
        } catch (DirectoryClaims.Busy busy) {
            boolean db = DirectoryClaims.overlap(busy.blocker().dir(), dbDir);
            throw RequestException.dbInUse(db ? r.arg(first) : r.arg(first + 1));
        }
        try {
            return engineCall(engine, () -> {
                BackupEngineHandle.BackupView restoring = engine.backup(id);
                job.start(() -> ProgressScan.restoreTotals(restoring), ProgressScan.baseline(dirs));
                stats.restores().incrementAndGet();
                try {
                    engine.restore(id, dbDir, walDir, keepLogFiles);
                } finally {
                    stats.restores().decrementAndGet();
                }
                if (restoring != null) {
                    stats.restored(restoring.size());
                }
                job.succeeded();
            });
        } finally {
            claim.release();
            job.end();
        }
    }

    private interface EngineCall {
        void run() throws RocksDBException, IOException;
    }

    private static OtpErlangObject engineCall(BackupEngineHandle engine, EngineCall call) throws RequestException {
        try (Handle.Lease l = engine.lease()) {
            call.run();
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.status(Statuses.text(e));
        } catch (IOException e) {
            throw RequestException.status(Statuses.text(e));
        }
    }

}
