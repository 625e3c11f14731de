package io.rocksdbjnode;

import com.ericsson.otp.erlang.AcceptOnlyNode;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpMsg;
import com.ericsson.otp.erlang.OtpNodeStatus;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.rocksdb.RocksDB;

/**
 * The node: one registered mailbox speaking the {@code gen_server} call protocol. The mailbox
 * thread only decodes and dispatches; requests run on two pools (see {@link Routes.Pool}), so a
 * backup never holds up a {@code get}. Anything that is not a call is logged and dropped, and no
 * request can end the node: every failure becomes an {@code {error, ...}} reply. Replies leave
 * through the {@link Outbox}, which never dials, and connections come in through a
 * {@link HandshakeGate}, so no peer, connected or not, can hold up the replies to another.
 */
final class NodeServer {
    private static final Logger LOG = Logger.getLogger(NodeServer.class.getName());
    /** Stack sizes: decoding and encoding Erlang terms recurse once per level of nesting. */
    static final long MAILBOX_STACK = 512L << 20;
    private static final long WORKER_STACK = 64L << 20;
    /** Threads kept back from RocksDB beyond the pools': the JVM's own, JInterface's, the pools' growth. */
    private static final int THREAD_RESERVE = 48;

    private final AcceptOnlyNode node;
    private final OtpMbox mbox;
    private final Outbox outbox;
    private final HandleTable table;
    private final Routes routes = new Routes();
    private final OwnershipOps ownership;
    private final ThreadPoolExecutor quick;
    private final ThreadPoolExecutor slow;
    private final Object stateLock = new Object();
    private volatile boolean accepting = true;
    private volatile boolean serving = true;
    private boolean stopped;

    NodeServer(NodeConfig config) throws IOException {
        RocksDB.loadLibrary();
        BoundTransportFactory transports = new BoundTransportFactory(config.listen(), config.handshakeTimeoutMs());
        this.node = new AcceptOnlyNode(config.nodeName(), config.cookie(), transports, HandshakeGate::connected);
        this.mbox = node.createMbox(config.mailbox());
        if (mbox == null) {
            node.close();
            throw new IOException("mailbox name " + config.mailbox() + " is taken");
        }
        this.outbox = new Outbox(node, mbox);
        this.table = new HandleTable(node::createRef);
        PathGuard guard = new PathGuard(config.roots());
        ThreadBudget threads = ThreadBudget.forThisProcess(config.quickThreads() + config.longThreads() + THREAD_RESERVE);
        new DbOps(table, guard, threads).register(routes);
        new BackupOps(table, guard, threads).register(routes);
        this.quick = pool("rocksdb-quick", config.quickThreads());
        this.slow = pool("rocksdb-long", config.longThreads());
        this.ownership = new OwnershipOps(table, outbox, task -> {
            if (!submit(slow, task)) {
                task.run(); // stopping: close it here rather than leak it
            }
        });
        ownership.register(routes);
        routes.add("routes", 0, Routes.Pool.QUICK, r -> Terms.ok(routes.describe()));
        if (NativeBackupStop.available()) {
            LOG.info("stop_backup: RocksDB's native StopBackup is available");
        } else {
            LOG.warning("stop_backup: RocksDB's native StopBackup is unavailable; a stopped backup will run "
                    + "to its end and then be deleted");
        }
        node.registerStatusHandler(new OtpNodeStatus() {
            @Override
            public void remoteStatus(String peer, boolean up, Object info) {
                if (!up) {
                    LOG.info(() -> "node " + peer + " disconnected; closing what its processes owned");
                    submit(slow, () -> ownership.nodeDown(peer));
                }
            }
        });
        // Only now may connections reach the node: its overrides are in place, and so is the handler.
        transports.open();
    }

    String nodeName() {
        return node.node();
    }

    int port() {
        return node.port();
    }

    /** Serves requests until {@link #shutdown()}. */
    void serve() {
        while (serving) {
            OtpMsg msg;
            try {
                // Blocking receive: JInterface reports a timed receive's timeout as an
                // InterruptedException, so shutdown() wakes this loop with a message instead.
                msg = mbox.receiveMsg();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "mailbox receive failed", e);
                continue;
            }
            if (serving) {
                try {
                    dispatch(msg);
                } catch (RuntimeException | StackOverflowError e) {
                    LOG.log(Level.SEVERE, "dropped a message that broke dispatch", e);
                }
            }
        }
    }

    private void dispatch(OtpMsg msg) {
        CallEnvelope.Parsed parsed = CallEnvelope.parse(msg);
        if (parsed.call() == null) {
            LOG.warning(() -> "dropped a message that is not a gen_server call: " + parsed.notACall());
            return;
        }
        OtpErlangPid pid = parsed.call().from();
        OtpErlangPid sender = msg.getSenderPid();
        if (sender != null && !sender.node().equals(pid.node())) {
            // A reply would make the node dial whatever node the forged pid names.
            LOG.warning(() -> "dropped a call from " + sender + " whose reply pid " + pid + " is on another node");
            return;
        }
        OtpErlangObject tag = parsed.call().tag();
        OtpErlangObject req = parsed.call().request();
        if (req == null) {
            LOG.warning(() -> "a call from " + pid + " could not be decoded: " + parsed.call().undecodable());
            reply(pid, tag, Terms.tuple(Terms.ERROR, Terms.tuple(Terms.atom("bad_request"),
                    Terms.atom(parsed.call().undecodable()))));
            return;
        }
        String name;
        OtpErlangObject[] args;
        if (Terms.atomName(req) != null) {
            name = Terms.atomName(req);
            args = new OtpErlangObject[0];
        } else if (req instanceof OtpErlangTuple t && t.arity() >= 1 && Terms.atomName(t.elementAt(0)) != null) {
            name = Terms.atomName(t.elementAt(0));
            args = Arrays.copyOfRange(t.elements(), 1, t.arity());
        } else {
            reply(pid, tag, Terms.tuple(Terms.ERROR, Terms.atom("bad_request")));
            return;
        }
        Request r = new Request(pid, tag, name, args);
        if (name.equals("ping") && args.length == 0) {
            reply(pid, tag, Terms.atom("pong"));
            return;
        }
        if (name.equals("stop") && args.length == 0) {
            reply(pid, tag, Terms.OK);
            Thread t = new Thread(() -> System.exit(0), "rocksdb-stop");
            t.start();
            return;
        }
        Routes.Route route;
        try {
            route = routes.find(name, args.length);
        } catch (RequestException e) {
            reply(pid, tag, e.reply());
            return;
        }
        if (!accepting) {
            reply(pid, tag, Terms.tuple(Terms.ERROR, Terms.atom("shutting_down")));
            return;
        }
        ExecutorService pool = route.pool() == Routes.Pool.QUICK ? quick : slow;
        if (!submit(pool, () -> reply(pid, tag, run(route, r)))) {
            reply(pid, tag, Terms.tuple(Terms.ERROR, Terms.atom("shutting_down")));
        }
    }

    private static OtpErlangObject run(Routes.Route route, Request r) {
        try {
            return route.handler().handle(r);
        } catch (RequestException e) {
            return e.reply();
        } catch (OutOfMemoryError e) {
            // The allocation that failed is not held: refuse this request, keep serving.
            LOG.log(Level.SEVERE, "request " + r.name() + " ran out of heap", e);
            return Terms.tuple(Terms.ERROR, Terms.atom("out_of_memory"));
        } catch (Exception | StackOverflowError | AssertionError e) {
            LOG.log(Level.SEVERE, "request " + r.name() + " failed unexpectedly", e);
            return Terms.tuple(Terms.ERROR, Terms.tuple(Terms.atom("internal"), Terms.charlist(String.valueOf(e))));
        }
    }

    private void reply(OtpErlangPid to, OtpErlangObject tag, OtpErlangObject reply) {
        // A reply that may have to wait for its connection to be registered waits on a worker,
        // never on the mailbox thread.
        if (!outbox.reaches(to) && submit(quick, () -> replyNow(to, tag, reply))) {
            return;
        }
        replyNow(to, tag, reply);
    }

    private void replyNow(OtpErlangPid to, OtpErlangObject tag, OtpErlangObject reply) {
        if (outbox.reply(to, Terms.tuple(tag, reply)) == Outbox.Delivery.NOT_ENCODABLE) {
            // A reply that cannot be encoded (it echoes a term nested too deep): say so instead.
            outbox.send(to, Terms.tuple(tag, Terms.tuple(Terms.ERROR, Terms.atom("reply_not_encodable"))));
        }
    }

    private static boolean submit(ExecutorService pool, Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private static ThreadPoolExecutor pool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    // A large stack: replies may echo caller terms (gift data), encoded recursively.
                    Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), WORKER_STACK);
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /**
     * Graceful stop, idempotent: stop taking requests, cut running backups short (they reply
     * {@code {error, incomplete}}), let the requests in flight finish, then close every engine and
     * every DB, and the node.
     */
    void shutdown() {
        synchronized (stateLock) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        // The mailbox loop goes on, answering new calls {error, shutting_down}, until the end.
        accepting = false;
        LOG.info("stopping: no new requests; finishing those in flight");
        List<Handle> handles = table.all();
        for (Handle h : handles) {
            if (h instanceof BackupEngineHandle e) {
                e.stopBackup();
            }
        }
        quick.shutdown();
        slow.shutdown();
        awaitPool(quick);
        awaitPool(slow);
        for (Handle.Kind kind : List.of(Handle.Kind.BACKUP_ENGINE, Handle.Kind.DB)) {
            for (Handle h : table.all()) {
                if (h.kind() == kind) {
                    table.close(h);
                }
            }
        }
        serving = false;
        mbox.send(mbox.self(), Terms.atom("wake_up"));
        mbox.close();
        node.close();
        LOG.info("stopped: every DB and backup engine closed");
    }

    private static void awaitPool(ThreadPoolExecutor pool) {
        try {
            if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warning("requests still running after 60 s; closing their handles waits for them to end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
