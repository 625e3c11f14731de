package com.ericsson.otp.erlang;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * rocksdb_jnode's JInterface node: it takes connections but never dials one, and it finds its
 * connections without a lock. It sits in JInterface's package because the members it overrides
 * are package-private there.
 *
 * <p>Why: {@link OtpNode} finds a connection, and dials one that is missing, in
 * {@code getConnection} under the monitor of its connection table, and its acceptor thread holds
 * that monitor through every inbound handshake. Every send to a remote pid goes through
 * {@code getConnection}, so one TCP peer that connects and stays silent, or one dial to a host
 * that does not answer, held up every reply to every node. Here {@code getConnection} reads a
 * concurrent map kept beside JInterface's table and gives {@code null} for a node that is not
 * connected: {@link OtpMbox#send(OtpErlangPid, OtpErlangObject)}, {@code link} and {@code exit}
 * towards such a node are dropped (as JInterface drops a send that fails) and nothing dials.
 *
 * <p>The transport factory must not hand the acceptor a connection before the constructor has
 * returned: the acceptor thread starts inside {@link OtpNode}'s constructor, before this class's
 * fields are set.
 */
public final class AcceptOnlyNode extends OtpNode {
    private final ConcurrentHashMap<String, OtpCookedConnection> live = new ConcurrentHashMap<>();
    private final Consumer<OtpTransport> onConnected;
    private final Object arrivals = new Object();

    /**
     * @param onConnected called with a connection's transport once its handshake has succeeded,
     *        before the connection is visible to senders
     */
    public AcceptOnlyNode(String name, String cookie, OtpTransportFactory transports,
            Consumer<OtpTransport> onConnected) throws IOException {
        super(name, cookie, 0, transports);
        this.onConnected = onConnected;
    }

    /** Whether a connection to {@code node} (a full name, {@code name@host}) is up. */
    public boolean isConnected(String node) {
        OtpCookedConnection conn = live.get(node);
        return conn != null && conn.isConnected();
    }

    /**
     * Sends an encoded message from {@code from} to the pid {@code to} of another node over the
     * connection to that node, if there is one; never dials. Blocks while the peer does not read.
     *
     * @return false when the node is not connected, or the connection closed under the send
     * @throws IOException when writing to the connection fails (which closes it)
     */
    public boolean send(OtpErlangPid from, OtpErlangPid to, OtpOutputStream encoded) throws IOException {
        return overConnection(to.node(), conn -> conn.sendBuf(from, to, encoded));
    }

    /** A write to a connection, made under its monitor. */
    @FunctionalInterface
    private interface ConnectionWrite {
        void write(OtpCookedConnection conn) throws IOException;
    }

    /**
     * Makes {@code write} on the connection to {@code node}, if it is up; never dials. Returns
     * false when there is no such connection or it closed under the send.
     */
    private boolean overConnection(String node, ConnectionWrite write) throws IOException {
        OtpCookedConnection conn = live.get(node);
        if (conn == null) {
            return false;
        }
        // close() clears the socket under the connection's monitor, and writes happen under it:
        // checking under it too means a send never meets a half-closed connection.
        synchronized (conn) {
            if (!conn.isConnected() || conn.socket == null) {
                return false;
            }
            write.write(conn);
            return true;
        }
    }

    /**
     * Sends an encoded message from {@code from} to the process alias {@code alias} (a reference
     * made by {@code erlang:alias/1} or {@code monitor/3}'s {@code alias} option) over the
     * connection to the alias's node, if there is one; never dials. JInterface knows only sends
     * to pids and names, so this writes the distribution's own {@code ALIAS_SEND} control
     * message, {@code {33, FromPid, Alias}}: the receiving node delivers it while the alias is
     * active and drops it once it is not, which is how {@code gen_server:call} keeps a reply that
     * comes after its timeout out of the caller's mailbox.
     *
     * @return false when the node is not connected, or the connection closed under the send
     * @throws IOException when writing to the connection fails (which closes it)
     */
    public boolean sendToAlias(OtpErlangPid from, OtpErlangRef alias, OtpOutputStream encoded) throws IOException {
        // The header is built before the connection's monitor is taken, not while holding it.
        OtpOutputStream header = new OtpOutputStream(AbstractConnection.headerLen);
        header.write4BE(0); // the length, filled in below
        header.write1(AbstractConnection.passThrough);
        header.write1(AbstractConnection.version);
        header.write_tuple_head(3);
        header.write_long(ALIAS_SEND);
        header.write_any(from);
        header.write_any(alias);
        header.write1(AbstractConnection.version);
        header.poke4BE(0, header.size() + encoded.size() - 4);
        return overConnection(alias.node(), conn -> conn.do_send(header, encoded));
    }

    /** The distribution protocol's control message tag of a send to an alias. */
    private static final int ALIAS_SEND = 33;

    /**
     * JInterface's own sends (its {@code net_kernel} mailbox's answer to {@code net_adm:ping},
     * which the pinging node awaits without a timeout) look their connection up here. The
     * answer to a new node's first message can be sent an instant before the acceptor registers
     * the connection it came over, so a missing connection is waited for, briefly; still nothing
     * is dialed. The node's own sends go through {@link #send} and never wait here.
     */
    @Override
    OtpCookedConnection getConnection(String node) {
        OtpCookedConnection conn = live.get(node);
        if (conn == null) {
            try {
                if (awaitConnected(node, REGISTRATION_WAIT_MS)) {
                    conn = live.get(node);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return conn;
    }

    /** Longest wait for a connection that is being registered; see {@link #getConnection}. */
    public static final long REGISTRATION_WAIT_MS = 1000;

    @Override
    void addConnection(OtpCookedConnection conn) {
        if (conn != null && conn.name != null) {
            onConnected.accept(conn.socket);
            live.put(conn.name, conn);
            synchronized (arrivals) {
                arrivals.notifyAll();
            }
        }
        super.addConnection(conn);
    }

    /**
     * Waits up to {@code millis} for a connection to {@code node} to be up. JInterface starts a
     * new connection's reader before its acceptor registers the connection, so a request can
     * arrive (and want its reply sent) an instant before its connection is in the table.
     */
    public boolean awaitConnected(String node, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (arrivals) {
            while (!isConnected(node)) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                arrivals.wait(left);
            }
            return true;
        }
    }

    private volatile OtpMbox directMbox;
    private volatile Consumer<OtpMsg> directHandler;

    /**
     * Hands every message sent to {@code mbox} (by its name or its pid) to {@code handler}, on
     * the connection's reader thread, instead of queueing it for a thread that receives on the
     * mailbox: one thread hand-off less per request. The handler must not block. Link and exit
     * signals, and sends from this JVM, still go to the mailbox.
     */
    public void deliverDirectly(OtpMbox mbox, Consumer<OtpMsg> handler) {
        this.directHandler = handler;
        this.directMbox = mbox;
    }

    @Override
    boolean deliver(OtpMsg m) {
        OtpMbox mbox = directMbox;
        // Only what came over a connection (still encoded): a send from this JVM (the mailbox
        // waking its own loop, say) goes to the mailbox as ever.
        if (mbox != null && m.paybuf != null) {
            int type = m.type();
            boolean toMbox = type == OtpMsg.regSendTag ? mbox.getName() != null && mbox.getName().equals(m.getRecipientName())
                    : type == OtpMsg.sendTag && mbox.self().equals(m.getRecipientPid());
            if (toMbox) {
                directHandler.accept(m);
                return true;
            }
        }
        return super.deliver(m);
    }

    @Override
    void deliverError(OtpCookedConnection conn, Exception e) {
        if (conn.name != null) {
            live.remove(conn.name, conn);
        }
        super.deliverError(conn, e);
    }

    /**
     * Closes the node. {@link OtpNode#close} walks its connection table without the table's
     * lock while a connection that is ending removes itself under it, which now and then threw
     * a ConcurrentModificationException out of close. So the connections are taken out of the
     * table here, under its lock, and closed before {@code super.close()} walks what is left
     * (nothing, unless one raced in). This method holds one lock at a time: the table's, then
     * (in {@code super.close()}) the node's; the acceptor takes them in the other order.
     */
    @Override
    public void close() {
        List<OtpCookedConnection> open;
        synchronized (connections) {
            open = new ArrayList<>(connections.values());
            connections.clear();
        }
        live.clear();
        for (OtpCookedConnection conn : open) {
            conn.close();
        }
        super.close();
    }
}
