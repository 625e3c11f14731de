package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.rocksdbjnode.backup.BackupEngineHandle;
import io.rocksdbjnode.backup.BackupOps;
import io.rocksdbjnode.backup.BackupSlots;
import io.rocksdbjnode.backup.SourceDbs;
import io.rocksdbjnode.db.ColumnFamilyOps;
import io.rocksdbjnode.db.DbHandle;
import io.rocksdbjnode.db.DbOps;
import io.rocksdbjnode.db.NonBlocking;
import io.rocksdbjnode.db.MaintenanceOps;
import io.rocksdbjnode.db.ReadOps;
import io.rocksdbjnode.db.TransactionOps;
import io.rocksdbjnode.db.WriteOps;
import io.rocksdbjnode.handle.DirectoryClaims;
import io.rocksdbjnode.handle.Handle;
import io.rocksdbjnode.handle.HandleTable;
import io.rocksdbjnode.handle.NativeLibraryFiles;
import io.rocksdbjnode.handle.OwnershipOps;
import io.rocksdbjnode.handle.PathGuard;
import io.rocksdbjnode.handle.ThreadBudget;
import io.rocksdbjnode.wire.NodeServer;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.rocksdb.RocksDB;

/**
 * The node assembled: the wire's {@link NodeServer}, the handle table and directory claims, and
 * the operations (DBs, backups, ownership) whose routes it serves. The one place that knows every
 * package; none of them knows this one.
 */
final class Node implements NodeServer.Lifecycle {
    /** Threads kept back from RocksDB beyond the pools': the JVM's own, JInterface's, the pools' growth. */
    private static final int THREAD_RESERVE = 48;

    private final NodeServer server;
    private final HandleTable table;
    private final OwnershipOps ownership;

    Node(NodeConfig config) throws IOException {
        RocksDB.loadLibrary();
        NativeLibraryFiles.unlinkExtracted();
        PathGuard guard = new PathGuard(config.roots());
        this.server = new NodeServer(config.server());
        this.table = new HandleTable(server::newRef);
        DirectoryClaims claims = new DirectoryClaims();
        ThreadBudget threads = ThreadBudget.forThisProcess(config.quickThreads() + config.longThreads() + THREAD_RESERVE);
        Routes routes = new Routes();
        DbOps dbs = new DbOps(table, claims, guard, threads);
        dbs.register(routes);
        new ColumnFamilyOps(table, guard).register(routes);
        new WriteOps(table).register(routes);
        new ReadOps(table, config.iteratorChunkBytes()).register(routes);
        new MaintenanceOps(table, claims, guard, threads).register(routes);
        new TransactionOps(table, dbs, guard).register(routes);
        new NonBlocking(table).register(routes);
        BackupOps backups = new BackupOps(table, claims, openDbs(table), guard, threads,
                new BackupSlots(config.backupSlots()), server.outbox(), server::newRef);
        backups.register(routes);
        this.ownership = new OwnershipOps(table, server.outbox(), server.longWork());
        ownership.register(routes);
        new NodeStats(table, server.requestStats(), backups.stats()).register(routes);
        server.open(routes, this);
    }

    /** The open DBs, as backups see them. */
    private static SourceDbs openDbs(HandleTable table) {
        return new SourceDbs() {
            @Override
            public Source byHandle(OtpErlangObject term) throws RequestException {
                return source(DbHandle.of(table, term));
            }

            @Override
            public Optional<Source> at(Path dir) {
                return DbHandle.at(table, dir).map(Node::source);
            }
        };
    }

    private static SourceDbs.Source source(DbHandle d) {
        return new SourceDbs.Source(d, d.db(), d.readOnly(), d::openFamilies);
    }

    String nodeName() {
        return server.nodeName();
    }

    int port() {
        return server.port();
    }

    /** Serves requests until {@link #shutdown()}. */
    void serve() {
        server.serve();
    }

    /**
     * Graceful stop, idempotent: stop taking requests, cut running backups short (they reply
     * {@code {error, incomplete}}), let the requests in flight finish, then close every engine and
     * every DB, and the node.
     */
    void shutdown() {
        server.shutdown();
    }

    @Override
    public void nodeDown(String peer) {
        ownership.nodeDown(peer);
    }

    @Override
    public void stopping() {
        for (Handle h : table.all()) {
            if (h instanceof BackupEngineHandle e) {
                e.stopBackup();
            }
        }
    }

    @Override
    public void drained() {
        for (Handle.Kind kind : List.of(Handle.Kind.BACKUP_ENGINE, Handle.Kind.DB)) {
            for (Handle h : table.all()) {
                if (h.kind() == kind) {
                    table.close(h);
                }
            }
        }
    }
}
