package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpServerTransport;
import com.ericsson.otp.erlang.OtpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's listening socket, standing in front of JInterface's acceptor.
 *
 * <p>JInterface runs inbound handshakes one at a time on a single thread, reading without a
 * timeout. So this gate accepts the TCP connections itself and reads, on one thread of its own
 * for any number of connections, the handshake's first message ({@code send_name}: the peer's
 * node name). Only a connection whose peer sent a well-formed one reaches JInterface, which gets
 * the message replayed. A connection that does not send it within the deadline is closed, and so
 * is one handed to JInterface that has not finished the handshake within the deadline again.
 *
 * <p>What remains: a peer that sends a name and then stalls occupies JInterface's acceptor, so it
 * delays other new connections by up to the deadline (never replies on existing connections).
 */
final class HandshakeGate implements OtpServerTransport {
    private static final Logger LOG = Logger.getLogger(HandshakeGate.class.getName());
    /** Connections still waiting for their first message; beyond this, new ones are closed at once. */
    static final int MAX_WAITING = 256;
    /** The longest {@code send_name} body taken: 15 bytes of fields and a name of up to 1020 bytes (255 UTF-8 characters). */
    static final int MAX_SEND_NAME = 15 + 1020;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final long deadlineMs;
    private final ScheduledThreadPoolExecutor deadlines;
    private final LinkedBlockingQueue<Inbound> ready = new LinkedBlockingQueue<>();
    private final Set<Inbound> pending = ConcurrentHashMap.newKeySet();
    private final CountDownLatch opened = new CountDownLatch(1);
    private final Inbound shut = new Inbound();
    private volatile boolean closed;
    private long lastOverflowLog;

    HandshakeGate(ServerSocketChannel server, long deadlineMs) throws IOException {
        this.server = server;
        this.deadlineMs = deadlineMs;
        this.selector = Selector.open();
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rocksdb-handshake-deadline");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        Thread gate = new Thread(this::run, "rocksdb-handshake-gate");
        gate.setDaemon(true);
        gate.start();
    }

    /** Lets JInterface's acceptor take connections (it gets none before). */
    void open() {
        opened.countDown();
    }

    /** Called with a connection's transport once its handshake succeeded: its deadline no longer applies. */
    static void connected(OtpTransport transport) {
        if (transport instanceof Inbound in) {
            in.advance(Stage.HANDSHAKE, Stage.CONNECTED);
        }
    }

    @Override
    public int getLocalPort() {
        return server.socket().getLocalPort();
    }

    /** JInterface's acceptor: the next connection whose peer has sent its name. */
    @Override
    public OtpTransport accept() throws IOException {
        try {
            opened.await();
            while (true) {
                Inbound in = ready.take();
                if (in == shut) {
                    ready.add(shut);
                    throw new IOException("the node's listening socket is closed");
                }
                if (in.advance(Stage.WAITING, Stage.HANDSHAKE)) {
                    deadlines.schedule(() -> in.closeIf(Stage.HANDSHAKE, "handshake not finished within "
                            + deadlineMs + " ms"), deadlineMs, TimeUnit.MILLISECONDS);
                    return in;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a connection", e);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        opened.countDown();
        selector.close();
        server.close();
        deadlines.shutdownNow();
        for (Inbound in : pending) {
            in.close();
        }
        ready.clear();
        ready.add(shut);
    }

    private void run() {
        List<Inbound> complete = new ArrayList<>();
        while (!closed) {
            try {
                selector.select();
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext();) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else if (key.isReadable()) {
                        read(key, complete);
                    }
                }
                if (!complete.isEmpty()) {
                    // Their keys are cancelled: the next selection deregisters them, and only
                    // then may they switch back to blocking mode for JInterface.
                    selector.selectNow();
                    for (Inbound in : complete) {
                        handOff(in);
                    }
                    complete.clear();
                }
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "handshake gate: " + e, e);
                }
            }
        }
    }

    private void acceptAll() {
        SocketChannel ch;
        while ((ch = acceptOne()) != null) {
            if (pending.size() >= MAX_WAITING) {
                closeQuietly(ch);
                long now = System.nanoTime();
                if (now - lastOverflowLog > TimeUnit.SECONDS.toNanos(1)) {
                    lastOverflowLog = now;
                    LOG.warning(() -> "closed new inbound connections: " + MAX_WAITING
                            + " connections are already waiting for their handshake");
                }
                continue;
            }
            Inbound in = new Inbound(ch);
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.register(selector, SelectionKey.OP_READ, in);
            } catch (IOException e) {
                in.closeIf(Stage.WAITING, "could not be set up: " + e);
                continue;
            }
            deadlines.schedule(() -> in.closeIf(Stage.WAITING, "no handshake within " + deadlineMs + " ms"),
                    deadlineMs, TimeUnit.MILLISECONDS);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // Turned away either way.
        }
    }

    /** The next connection, or null when there is none now (or accepting fails: out of file descriptors). */
    private SocketChannel acceptOne() {
        try {
            return server.accept();
        } catch (IOException e) {
            if (!closed) {
                LOG.warning(() -> "handshake gate: cannot accept a connection: " + e);
                // The listening socket stays ready while, say, file descriptors run out: do not spin.
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        }
    }

    private void read(SelectionKey key, List<Inbound> complete) {
        Inbound in = (Inbound) key.attachment();
        String refused;
        try {
            refused = in.readFirstMessage();
        } catch (IOException e) {
            key.cancel();
            in.closeIf(Stage.WAITING, "closed before its handshake (" + e.getMessage() + ")");
            return;
        }
        if (refused != null) {
            key.cancel();
            in.closeIf(Stage.WAITING, refused);
        } else if (in.first != null) {
            key.cancel();
            complete.add(in);
        }
    }

    private void handOff(Inbound in) {
        try {
            in.channel.configureBlocking(true);
            in.input = new Replay(in.first, in.channel.socket().getInputStream());
            in.output = in.channel.socket().getOutputStream();
        } catch (IOException e) {
            in.closeIf(Stage.WAITING, "closed before its handshake (" + e.getMessage() + ")");
            return;
        }
        ready.add(in);
    }

    /**
     * Why the first handshake message {@code body} (after its 2-byte length) cannot be a
     * {@code send_name} JInterface should see, or null if it can: tag {@code 'N'}, flags,
     * creation, name length, and a name {@code alive@host}. (JInterface's acceptor thread dies on
     * a name without {@code '@'}; it checks the flags itself.)
     */
    static String checkSendName(byte[] body) {
        if (body.length < 15 || body[0] != 'N') {
            return "not an Erlang distribution handshake (OTP 23 or later)";
        }
        int nameLength = ((body[13] & 0xff) << 8) | (body[14] & 0xff);
        if (nameLength > body.length - 15) {
            return "a handshake whose node name is cut short";
        }
        String name = new String(body, 15, nameLength, StandardCharsets.UTF_8);
        if (name.indexOf('@') <= 0) {
            return "a handshake whose node name is not name@host";
        }
        return null;
    }

    enum Stage { WAITING, HANDSHAKE, CONNECTED, CLOSED }

    /** One inbound connection: read by the gate until its first message is in, then JInterface's transport. */
    final class Inbound implements OtpTransport {
        private final SocketChannel channel;
        private final String peer;
        private final ByteBuffer length = ByteBuffer.allocate(2);
        private ByteBuffer body;
        /** The first message, length included, once complete (gate thread, then the reader's). */
        private byte[] first;
        private Stage stage = Stage.WAITING;
        /** Set by the gate before JInterface takes the connection from the queue. */
        private InputStream input;
        private OutputStream output;

        private Inbound() {
            this.channel = null;
            this.peer = "none";
        }

        Inbound(SocketChannel channel) {
            this.channel = channel;
            String address;
            try {
                address = String.valueOf(channel.getRemoteAddress());
            } catch (IOException e) {
                address = "an unknown address";
            }
            this.peer = address;
            pending.add(this);
        }

        /** Reads what is there of the first message: null while it is incomplete or acceptable, else why it is refused. */
        private String readFirstMessage() throws IOException {
            if (length.hasRemaining()) {
                if (channel.read(length) < 0) {
                    throw new IOException("end of stream");
                }
                if (length.hasRemaining()) {
                    return null;
                }
                int n = ((length.get(0) & 0xff) << 8) | (length.get(1) & 0xff);
                if (n > MAX_SEND_NAME) {
                    return "a first handshake message of " + n + " bytes";
                }
                body = ByteBuffer.allocate(n);
            }
            if (body.hasRemaining() && channel.read(body) < 0) {
                throw new IOException("end of stream");
            }
            if (body.hasRemaining()) {
                return null;
            }
            String refused = checkSendName(body.array());
            if (refused == null) {
                first = new byte[2 + body.capacity()];
                System.arraycopy(length.array(), 0, first, 0, 2);
                System.arraycopy(body.array(), 0, first, 2, body.capacity());
            }
            return refused;
        }

        synchronized boolean advance(Stage from, Stage to) {
            if (stage != from) {
                return false;
            }
            stage = to;
            if (from == Stage.WAITING) {
                pending.remove(this);
            }
            return true;
        }

        /** Closes the connection if it is still at {@code stage}, logging why. */
        void closeIf(Stage at, String why) {
            if (advance(at, Stage.CLOSED)) {
                LOG.info(() -> "closed inbound connection from " + peer + ": " + why);
                closeChannel();
            }
        }

        @Override
        public InputStream getInputStream() {
            return input;
        }

        @Override
        public OutputStream getOutputStream() {
            return output;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (stage == Stage.WAITING) {
                    pending.remove(this);
                }
                stage = Stage.CLOSED;
            }
            closeChannel();
        }

        private void closeChannel() {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing is all that is wanted; a failure leaves nothing to do.
            }
            // A channel closed while registered is released at the selector's next selection.
            selector.wakeup();
        }

        @Override
        public String toString() {
            return "inbound connection from " + peer;
        }
    }

    /** The first message, read by the gate, then the socket's stream. */
    private static final class Replay extends InputStream {
        private final byte[] first;
        private final InputStream rest;
        private int pos;

        Replay(byte[] first, InputStream rest) {
            this.first = first;
            this.rest = rest;
        }

        @Override
        public int read() throws IOException {
            return pos < first.length ? first[pos++] & 0xff : rest.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos < first.length) {
                int n = Math.min(len, first.length - pos);
                System.arraycopy(first, pos, b, off, n);
                pos += n;
                return n;
            }
            return rest.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            rest.close();
        }
    }
}
