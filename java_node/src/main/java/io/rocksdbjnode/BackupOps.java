package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** The backup engine requests, with erlang-rocksdb's names and reply shapes. */
final class BackupOps {
    private final HandleTable table;
    private final PathGuard guard;
    private final ThreadBudget threads;

    BackupOps(HandleTable table, PathGuard guard, ThreadBudget threads) {
        this.table = table;
        this.guard = guard;
        this.threads = threads;
    }

    void register(Routes routes) {
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
        List<Consumer<BackupEngineOptions>> settings = OptionsMapping.backupEngineSettings(opts);
        List<Path> dirs = List.of(dir);
        Optional<HandleTable.Blocker> busy = table.claim(HandleTable.Claim.OPEN_ENGINE, dirs);
        if (busy.isPresent()) {
            throw RequestException.text("backup_engine_open", "IO error: " + dir + ": " + busy.get().why());
        }
        try {
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                throw RequestException.text("backup_engine_open", "IO error: " + dir + ": exists but is not a directory");
            } catch (IOException e) {
                throw RequestException.text("backup_engine_open", Statuses.text(e));
            }
            BackupEngineOptions beo = OptionsMapping.backupEngineOptions(dir, settings);
            ThreadBudget.Grant grant;
            try {
                // RocksDB starts the engine's copy threads as it opens.
                grant = threads.take(beo.maxBackgroundOperations(), "open_backup_engine");
            } catch (RequestException e) {
                beo.close();
                throw e;
            }
            try (grant) {
                BackupEngineHandle h = table.add(ref -> openEngine(ref, ownership, dir, beo));
                return Terms.ok(h.ref());
            } catch (EngineOpenFailure e) {
                throw RequestException.text("backup_engine_open", e.getMessage());
            }
        } finally {
            table.release(HandleTable.Claim.OPEN_ENGINE, dirs);
        }
    }

    private static final class EngineOpenFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EngineOpenFailure(String text) {
            super(text, null, false, false);
        }
    }

    private static BackupEngineHandle openEngine(OtpErlangRef ref, Ownership o, Path dir, BackupEngineOptions beo) {
        try {
            return BackupEngineHandle.open(ref, o, dir, beo);
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
        BackupEngineHandle engine = table.engine(r.arg(0));
        boolean flush = false;
        byte[] metadata = null;
        for (Option o : Option.parse(r.arg(2), "options")) {
            switch (o.key()) {
                case "flush_before_backup" -> flush = o.bool();
                case "metadata" -> {
                    o.expectArity(1);
                    metadata = o.value() instanceof OtpErlangBinary b
                            ? b.binaryValue()
                            : Terms.text(o.value(), "metadata").getBytes(StandardCharsets.UTF_8);
                }
                default -> throw RequestException.error(Terms.tuple(Terms.atom("bad_option"), o.raw()));
            }
        }
        DbHandle db = r.arg(1) instanceof OtpErlangRef ? table.db(r.arg(1)) : null;
        Path source = db == null ? guard.resolve(r.arg(1), "db") : null;
        if (db == null) {
            Optional<DbHandle> open = table.dbAt(source);
            if (open.isPresent()) {
                db = open.get();
            }
        }
        try (Handle.Lease el = engine.lease()) {
            if (db != null) {
                try (Handle.Lease dl = db.lease()) {
                    if (db.readOnly()) {
                        refuseWalOnlyWrites(db.db(), db.dir());
                    }
                    engine.createNewBackup(db.db(), flush, metadata);
                }
            } else {
                backupByPath(engine, source, metadata);
            }
            return Terms.OK;
        } catch (RocksDBException e) {
            throw RequestException.text("error", Statuses.text(e));
        }
    }

    /**
     * Backs up the DB at {@code source}, opened read-only for the duration. Its directory is
     * claimed for reading meanwhile, so that no restore or destroy deletes the files being copied.
     */
    private void backupByPath(BackupEngineHandle engine, Path source, byte[] metadata)
            throws RocksDBException, RequestException, IOException {
        List<Path> dirs = List.of(source);
        Optional<HandleTable.Blocker> busy = table.claim(HandleTable.Claim.READ, dirs);
        if (busy.isPresent()) {
            throw RequestException.text("error", "IO error: " + source + ": " + busy.get().why());
        }
        try {
            if (!Files.isDirectory(source)) {
                throw RequestException.text("error", "IO error: " + source + ": not a database directory");
            }
            try (Options o = new Options(); RocksDB ro = RocksDB.openReadOnly(o, source.toString())) {
                refuseWalOnlyWrites(ro, source);
                engine.createNewBackup(ro, false, metadata);
            }
        } finally {
            table.release(HandleTable.Claim.READ, dirs);
        }
    }

    /**
     * A backup of a read-only DB drops the writes that are only in its WAL (RocksDB 9.4 and
     * later): refuse it, with a clear error, rather than make a backup that silently lacks them.
     */
    private static void refuseWalOnlyWrites(RocksDB readOnly, Path dir) throws RocksDBException, RequestException {
        long walOnly = readOnly.getLongProperty("rocksdb.num-entries-active-mem-table")
                + readOnly.getLongProperty("rocksdb.num-entries-imm-mem-tables");
        if (walOnly > 0) {
            throw RequestException.text("error", "Invalid argument: " + dir + " holds " + walOnly
                    + " writes only in its WAL, which a backup of a read-only open would drop; open it "
                    + "read-write on this node and back up the handle, or back up a checkpoint of it");
        }
    }

    OtpErlangObject info(Request r) throws RequestException {
        BackupEngineHandle engine = table.engine(r.arg(0));
        Optional<String> gone = engine.directoryGone();
        if (gone.isPresent()) {
            throw RequestException.text("error", gone.get());
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
        BackupEngineHandle engine = table.engine(r.arg(0));
        int id = Terms.nonNegativeInt(r.arg(1), "backup_id");
        boolean withChecksum = false;
        for (Option o : Option.parse(r.arg(2), "options")) {
            if (o.key().equals("verify_with_checksum")) {
                withChecksum = o.bool();
            } else {
                throw RequestException.error(Terms.tuple(Terms.atom("bad_option"), o.raw()));
            }
        }
        try (Handle.Lease l = engine.lease()) {
            Optional<String> failure = engine.verifyBackup(id, withChecksum);
            if (failure.isPresent()) {
                throw RequestException.text("error", failure.get());
            }
            return Terms.OK;
        }
    }

    OtpErlangObject stop(Request r) throws RequestException {
        BackupEngineHandle engine = table.engine(r.arg(0));
        try (Handle.Lease l = engine.lease()) {
            engine.stopBackup();
        }
        return Terms.OK;
    }

    OtpErlangObject delete(Request r) throws Exception {
        BackupEngineHandle engine = table.engine(r.arg(0));
        int id = Terms.nonNegativeInt(r.arg(1), "backup_id");
        return engineCall(engine, () -> engine.deleteBackup(id));
    }

    OtpErlangObject purge(Request r) throws Exception {
        BackupEngineHandle engine = table.engine(r.arg(0));
        int keep = Terms.nonNegativeInt(r.arg(1), "num_backups_to_keep");
        return engineCall(engine, () -> engine.purgeOldBackups(keep));
    }

    OtpErlangObject gc(Request r) throws Exception {
        BackupEngineHandle engine = table.engine(r.arg(0));
        return engineCall(engine, engine::garbageCollect);
    }

    OtpErlangObject close(Request r) throws RequestException {
        BackupEngineHandle engine = table.engine(r.arg(0));
        if (!table.close(engine)) {
            throw RequestException.badarg(Terms.tuple(Terms.atom("closed_handle"), engine.ref()));
        }
        return Terms.OK;
    }

    /** {@code {restore_db_from_backup, Engine, Id, DbDir, WalDir, Opts}}. */
    OtpErlangObject restore(Request r) throws Exception {
        BackupEngineHandle engine = table.engine(r.arg(0));
        int id = Terms.nonNegativeInt(r.arg(1), "backup_id");
        return restoreInto(r, engine, id, 2);
    }

    /** {@code {restore_db_from_latest_backup, Engine, DbDir, WalDir, Opts}}. */
    OtpErlangObject restoreLatest(Request r) throws Exception {
        BackupEngineHandle engine = table.engine(r.arg(0));
        return restoreInto(r, engine, -1, 1);
    }

    private OtpErlangObject restoreInto(Request r, BackupEngineHandle engine, int id, int first) throws Exception {
        Path dbDir = guard.resolve(r.arg(first), "db_dir");
        Path walDir = guard.resolve(r.arg(first + 1), "wal_dir");
        boolean keepLogFiles = false;
        for (Option o : Option.parse(r.arg(first + 2), "options")) {
            if (o.key().equals("keep_log_files")) {
                keepLogFiles = o.bool();
            } else {
                throw RequestException.error(Terms.tuple(Terms.atom("bad_option"), o.raw()));
            }
        }
        List<Path> dirs = dbDir.equals(walDir) ? List.of(dbDir) : List.of(dbDir, walDir);
        Optional<HandleTable.Blocker> busy = table.claim(HandleTable.Claim.REWRITE, dirs);
        if (busy.isPresent()) {
            OtpErlangObject blocked = HandleTable.overlap(busy.get().dir(), dbDir) ? r.arg(first) : r.arg(first + 1);
            throw RequestException.error(Terms.tuple(Terms.atom("db_in_use"), blocked));
        }
        try {
            boolean keep = keepLogFiles;
            return engineCall(engine, () -> engine.restore(id, dbDir, walDir, keep));
        } finally {
            table.release(HandleTable.Claim.REWRITE, dirs);
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
            throw RequestException.text("error", Statuses.text(e));
        } catch (IOException e) {
            throw RequestException.text("error", Statuses.text(e));
        }
    }

}
