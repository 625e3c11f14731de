package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.AcceptOnlyNode;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpMsg;
import com.ericsson.otp.erlang.OtpNodeStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node: one registered mailbox speaking the {@code gen_server} call protocol. A call from
 * another node is decoded by its connection's reader thread, which answers it itself when its
 * route's {@link Routes.Attempt} can without waiting (a get from memory, an unsynced write
 * RocksDB takes without a stall), and otherwise passes it to the quick or the long pool (see
 * {@link Routes.Pool}), so a backup never holds up a {@code get}. (The mailbox thread serves what reaches the mailbox
 * itself: sends from this JVM.) Anything that is not a call is logged and dropped, and no
 * request can end the node: every failure becomes an {@code {error, ...}} reply. Replies leave
 * through the {@link Outbox}, which never dials, and connections come in through a
 * {@link HandshakeGate}, so no peer, connected or not, can hold up the replies to another.
 */
public final class NodeServer {
    private static final Logger LOG = Logger.getLogger(NodeServer.class.getName());
    /** Stack sizes: decoding and encoding Erlang terms recurse once per level of nesting. */
    public static final long MAILBOX_STACK = 512L << 20;
    private static final long WORKER_STACK = 64L << 20;
    /**
     * The largest message a connection's reader decodes itself: a larger one (a big write, a
     * batch) is decoded on a quick-pool thread, so that no caller waits long behind it.
     */
    static final int READER_MAX_BYTES = 64 * 1024;

    private final AcceptOnlyNode node;
    private final OtpMbox mbox;
    private final Outbox outbox;
    private final BoundTransportFactory transports;
    private final ThreadPoolExecutor quick;
    private final ThreadPoolExecutor slow;
    private final RequestStats stats = new RequestStats();
    private final Object stateLock = new Object();
    private final boolean readerServes;
    private volatile Routes routes;
    private volatile Lifecycle lifecycle;
    private volatile boolean accepting = true;
    private volatile boolean serving = true;
    private boolean stopped;

    /** What the node's distribution and pools are made of; validated by the caller. */
    public record Settings(String nodeName, String cookie, String mailbox, InetAddress listen,
            long handshakeTimeoutMs, int quickThreads, int longThreads, boolean readerServes) {}

    /**
     * What the node is told of, besides requests: the composition that built its routes
     * implements it. The wire knows no operations, only these three moments.
     */
    public interface Lifecycle {
        /** An Erlang node disconnected; runs on the long pool. */
        void nodeDown(String peer);

        /** Shutdown began and no new request is taken: cut long work short. */
        void stopping();

        /** The requests in flight ended (or the wait for them timed out): close what is open. */
        void drained();
    }

    /**
     * Creates the node and its mailbox, not yet reachable: {@link #open} hands it its routes and
     * opens the port.
     */
    public NodeServer(Settings settings) throws IOException {
        this.transports = new BoundTransportFactory(settings.listen(), settings.handshakeTimeoutMs());
        this.node = new AcceptOnlyNode(settings.nodeName(), settings.cookie(), transports, HandshakeGate::connected);
        this.mbox = node.createMbox(settings.mailbox());
        if (mbox == null) {
            node.close();
            throw new IOException("mailbox name " + settings.mailbox() + " is taken");
        }
        this.outbox = new Outbox(node, mbox);
        this.quick = pool("rocksdb-quick", settings.quickThreads());
        this.slow = pool("rocksdb-long", settings.longThreads());
        this.readerServes = settings.readerServes();
    }

    /** Mints the node's references, the names of handles. */
    public OtpErlangRef newRef() {
        return node.createRef();
    }

    /** What the node sends unasked goes through this outbox. */
    public Outbox outbox() {
        return outbox;
    }

    /** The request counters the {@code stats} request reports. */
    public RequestStats requestStats() {
        return stats;
    }

    /** Runs work on the long pool; once the node is stopping, on the caller's thread. */
    public Executor longWork() {
        return task -> {
            if (!submit(slow, task)) {
                task.run(); // stopping: do it here rather than leak it
            }
        };
    }

    /**
     * Serves {@code table} (and the request {@code routes}, which describes it), tells
     * {@code lifecycle} what happens, and only then opens the port.
     */
    public void open(Routes table, Lifecycle events) throws IOException {
        table.add("routes", 0, Routes.Pool.QUICK, r -> Terms.ok(table.describe()));
        this.routes = table;
        this.lifecycle = events;
        node.registerStatusHandler(new OtpNodeStatus() {
            @Override
            public void remoteStatus(String peer, boolean up, Object info) {
                if (!up) {
                    LOG.info(() -> "node " + peer + " disconnected; closing what its processes owned");
                    submit(slow, () -> events.nodeDown(peer));
                }
            }
        });
        node.deliverDirectly(mbox, this::arrived);
        // Only now may connections reach the node: its overrides are in place, and so is the handler.
        transports.open();
    }

    public String nodeName() {
        return node.node();
    }

    public int port() {
        return node.port();
    }

    /** Serves requests until {@link #shutdown()}. */
    public void serve() {
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
                dispatchSafely(msg, null, On.MAILBOX);
            }
        }
    }

    /**
     * A message from another node, on its connection's reader thread ({@link
     * AcceptOnlyNode#deliverDirectly}). With {@code readerServes}, the reader decodes it itself
     * (unless it is large, or nested too deep for the reader's stack) and answers a request whose
     * route has a non-blocking {@link Routes.Attempt} (get, put, delete, write) without any
     * thread hand-off; what the attempt cannot answer, and every other request, goes decoded to
     * its pool. Otherwise, and for what the reader leaves, a quick-pool thread decodes it and
     * serves it when it is quick.
     */
    private void arrived(OtpMsg msg) {
        if (!serving) {
            return;
        }
        if (readerServes) {
            CallEnvelope.Parsed parsed = CallEnvelope.parseOnSmallStack(msg, READER_MAX_BYTES);
            if (parsed != null) {
                dispatchSafely(msg, parsed, On.READER);
                return;
            }
        }
        if (!submit(quick, () -> dispatchSafely(msg, null, On.QUICK))) {
            // The pools are shut down: dispatch here, which answers that the node is stopping.
            dispatchSafely(msg, null, On.MAILBOX);
        }
    }

    /** The thread a message is dispatched on: what it may serve right there. */
    private enum On {
        /** A connection's reader: only a route's non-blocking attempt. */
        READER,
        /** A quick-pool worker: any quick request. */
        QUICK,
        /** The mailbox thread: nothing; every request goes to its pool. */
        MAILBOX
    }

    private void dispatchSafely(OtpMsg msg, CallEnvelope.Parsed parsed, On on) {
        try {
            dispatch(msg, parsed == null ? CallEnvelope.parse(msg) : parsed, on);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.log(Level.SEVERE, "dropped a message that broke dispatch", e);
        }
    }

    /** Routes a decoded call, and serves it where {@code on} allows. */
    private void dispatch(OtpMsg msg, CallEnvelope.Parsed parsed, On on) {
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
            reply(pid, tag, RequestException.badRequest(parsed.call().undecodable()).reply());
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
            reply(pid, tag, RequestException.badRequest().reply());
            return;
        }
        Request r = new Request(pid, tag, name, args, new Request.Answer(early -> reply(pid, tag, early)));
        if (name.equals("ping") && args.length == 0) {
            stats.answered(name, Terms.atom("pong"));
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
            reply(pid, tag, RequestException.shuttingDown().reply());
            return;
        }
        if (on == On.READER && route.attempt() != null && attempt(route, r)) {
            return;
        }
        if (on == On.QUICK && route.pool() == Routes.Pool.QUICK) {
            serve(route, r);
            return;
        }
        ExecutorService pool = route.pool() == Routes.Pool.QUICK ? quick : slow;
        if (!submit(pool, () -> serve(route, r))) {
            reply(pid, tag, RequestException.shuttingDown().reply());
        }
    }

    /**
     * Runs the request and answers it: with what the handler returns, or, when the handler
     * answered early (an async call), by handing what it returns to the completion it set. The
     * counters are updated first, so a caller that has the answer sees it counted.
     */
    private void serve(Routes.Route route, Request r) {
        stats.started();
        OtpErlangObject outcome = null;
        try {
            outcome = run(route, r);
        } finally {
            stats.ended(r.name(), outcome);
        }
        if (!r.answer().completes(outcome)) {
            reply(r.from(), r.tag(), outcome);
        }
    }

    /**
     * The route's attempt, on a connection's reader thread: true when it answered (and the reply
     * is sent), false when the request is to be served on its pool. An attempt that throws
     * (which it must not) is logged and counts as not answered.
     */
    private boolean attempt(Routes.Route route, Request r) {
        OtpErlangObject outcome;
        try {
            outcome = route.attempt().attempt(r);
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            LOG.log(Level.SEVERE, "the reader's attempt at " + r.name() + " failed unexpectedly", e);
            outcome = null;
        }
        if (outcome == null) {
            stats.handedOn();
            return false;
        }
        stats.servedOnReader();
        stats.answered(r.name(), outcome);
        reply(r.from(), r.tag(), outcome);
        return true;
    }

    private static OtpErlangObject run(Routes.Route route, Request r) {
        try {
            return route.handler().handle(r);
        } catch (RequestException e) {
            return e.reply();
        } catch (OutOfMemoryError e) {
            // The allocation that failed is not held: refuse this request, keep serving.
            LOG.log(Level.SEVERE, "request " + r.name() + " ran out of heap", e);
            return RequestException.outOfMemory().reply();
        } catch (Exception | StackOverflowError | AssertionError e) {
            LOG.log(Level.SEVERE, "request " + r.name() + " failed unexpectedly", e);
            return RequestException.internal(e).reply();
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
        if (outbox.reply(to, tag, reply) == Outbox.Delivery.NOT_ENCODABLE) {
            // A reply that cannot be encoded (it echoes a term nested too deep): say so instead.
            outbox.reply(to, tag, RequestException.replyNotEncodable().reply());
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
     * Graceful stop, idempotent: stop taking requests, tell the lifecycle (which cuts long work
     * short), let the requests in flight finish, tell the lifecycle again (which closes what is
     * open), then close the node.
     */
    public void shutdown() {
        synchronized (stateLock) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        // The mailbox loop goes on, answering new calls {error, shutting_down}, until the end.
        accepting = false;
        LOG.info("stopping: no new requests; finishing those in flight");
        Lifecycle events = lifecycle;
        if (events != null) {
            events.stopping();
        }
        quick.shutdown();
        slow.shutdown();
        awaitPool(quick);
        awaitPool(slow);
        if (events != null) {
            events.drained();
        }
        serving = false;
        mbox.send(mbox.self(), Terms.atom("wake_up"));
        mbox.close();
        node.close();
        LOG.info("stopped");
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
