package io.rocksdbjnode.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ericsson.otp.erlang.OtpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gate in front of JInterface's acceptor, on a real loopback socket with a short deadline. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeGateTest {
    private static final long DEADLINE_MS = 300;
    /** How long a test waits for something the deadline should bring about. */
    private static final int WAIT_MS = 10_000;

    private HandshakeGate gate;
    private final List<Socket> sockets = new ArrayList<>();
    private final ExecutorService acceptor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() throws IOException {
        gate = (HandshakeGate) new BoundTransportFactory(InetAddress.getLoopbackAddress(), DEADLINE_MS)
                .createServerTransport(0);
        gate.open();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        gate.close();
        acceptor.shutdownNow();
    }

    /** A send_name message, length included: 'N', flags, creation, name length, name. */
    static byte[] sendName(String name) {
        byte[] n = name.getBytes(UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + 15 + n.length);
        b.putShort((short) (15 + n.length)).put((byte) 'N').putLong(0x1_0000_0000L | 0x0100_0000L).putInt(1)
                .putShort((short) n.length).put(n);
        return b.array();
    }

    private Socket connect(byte[] send) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), gate.getLocalPort());
        sockets.add(s);
        s.setSoTimeout(WAIT_MS);
        OutputStream out = s.getOutputStream();
        out.write(send);
        out.flush();
        return s;
    }

    /** The node closed the connection: a read sees the end of the stream (or a reset). */
    private static void assertClosedByPeer(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read());
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + WAIT_MS + " ms", e);
        } catch (IOException reset) {
            // A reset is a close too.
        }
    }

    @Test
    void connectionsThatNeverSendTheirNameAreClosed() throws Exception {
        Socket silent = connect(new byte[0]);
        Socket halfLength = connect(new byte[] {0});
        byte[] name = sendName("late@127.0.0.1");
        Socket halfMessage = connect(java.util.Arrays.copyOf(name, 8));
        assertClosedByPeer(silent);
        assertClosedByPeer(halfLength);
        assertClosedByPeer(halfMessage);
    }

    @Test
    void aConnectionReachesTheAcceptorWithItsNameReplayed() throws Exception {
        Future<OtpTransport> accepted = acceptor.submit(gate::accept);
        byte[] name = sendName("peer@127.0.0.1");
        connect(name);
        OtpTransport t = accepted.get(WAIT_MS, TimeUnit.MILLISECONDS);
        byte[] got = new byte[name.length];
        InputStream in = t.getInputStream();
        int n = 0;
        while (n < got.length) {
            n += in.read(got, n, got.length - n);
        }
        assertArrayEquals(name, got);
    }

    @Test
    void aHandshakeNotFinishedInTimeIsClosedAndOneFinishedIsKept() throws Exception {
        Socket stalled = connect(sendName("stalled@127.0.0.1"));
        assertNotNull(acceptor.submit(gate::accept).get(WAIT_MS, TimeUnit.MILLISECONDS));
        assertClosedByPeer(stalled);

        Socket done = connect(sendName("done@127.0.0.1"));
        OtpTransport t = acceptor.submit(gate::accept).get(WAIT_MS, TimeUnit.MILLISECONDS);
        HandshakeGate.connected(t);
        // Three deadlines later the connection is still open: a read times out on this side.
        done.setSoTimeout((int) (3 * DEADLINE_MS));
        assertThrows(SocketTimeoutException.class, () -> done.getInputStream().read());
        t.getOutputStream().write(42);
        t.getOutputStream().flush();
        done.setSoTimeout(WAIT_MS);
        assertEquals(42, done.getInputStream().read());
    }

    @Test
    void aNameWithoutHostIsTurnedAwayAndTheNextConnectionGoesThrough() throws Exception {
        Future<OtpTransport> accepted = acceptor.submit(gate::accept);
        assertClosedByPeer(connect(sendName("nohost")));
        byte[] good = sendName("good@127.0.0.1");
        connect(good);
        InputStream in = accepted.get(WAIT_MS, TimeUnit.MILLISECONDS).getInputStream();
        byte[] got = new byte[good.length];
        int n = 0;
        while (n < got.length) {
            n += in.read(got, n, got.length - n);
        }
        assertArrayEquals(good, got, "the acceptor's first connection is the good one");
    }

    @Test
    void checkSendName() {
        assertNull(HandshakeGate.checkSendName(body(sendName("a@b"))));
        assertNotNull(HandshakeGate.checkSendName(body(sendName("nohost"))));
        assertNotNull(HandshakeGate.checkSendName(body(sendName("@host"))));
        assertNotNull(HandshakeGate.checkSendName(new byte[] {'n', 0, 5}));
        byte[] cut = body(sendName("a@b"));
        cut[14] = 9; // a name length past the end
        assertNotNull(HandshakeGate.checkSendName(cut));
        byte[] old = body(sendName("a@b"));
        old[0] = 'n';
        assertNotNull(HandshakeGate.checkSendName(old));
    }

    private static byte[] body(byte[] message) {
        return java.util.Arrays.copyOfRange(message, 2, message.length);
    }
}
