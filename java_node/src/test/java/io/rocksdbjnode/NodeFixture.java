package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;

/**
 * A {@link Node} serving in this JVM and a second JInterface node playing an Erlang client
 * connected to it, for tests of the wire. {@link NodeServerTest} has its own, older copy.
 */
final class NodeFixture implements AutoCloseable {
    static final String COOKIE = "node-fixture-cookie";
    static final String MAILBOX = "rocksdb";

    final Node server;
    final String serverNode;
    final OtpNode client;
    final OtpMbox mbox;
    private final Thread serving;

    NodeFixture() throws Exception {
        String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        serverNode = "jf" + unique + "@127.0.0.1";
        server = new Node(new NodeConfig(serverNode, COOKIE, MAILBOX, InetAddress.getLoopbackAddress(),
                List.of(), 4, 4, NodeConfig.DEFAULT_HANDSHAKE_TIMEOUT_MS));
        serving = new Thread(server::serve, "node-fixture-serve");
        serving.setDaemon(true);
        serving.start();
        client = new OtpNode("jg" + unique + "@127.0.0.1", COOKIE);
        mbox = client.createMbox();
    }

    static OtpErlangAtom a(String s) {
        return new OtpErlangAtom(s);
    }

    static OtpErlangTuple t(OtpErlangObject... es) {
        return new OtpErlangTuple(es);
    }

    /** {@code gen_server:call({rocksdb, Node}, Request, TimeoutMs)} from the client's mailbox; null on timeout. */
    OtpErlangObject call(OtpErlangObject request, long timeoutMs) throws Exception {
        OtpErlangRef tag = client.createRef();
        mbox.send(MAILBOX, serverNode, t(a("$gen_call"), t(mbox.self(), tag), request));
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            OtpErlangObject m = mbox.receive(left);
            if (m instanceof OtpErlangTuple r && r.arity() == 2 && r.elementAt(0).equals(tag)) {
                return r.elementAt(1);
            }
            if (m != null) {
                throw new AssertionError("unexpected message while waiting for a reply: " + m);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        serving.join(10_000);
        mbox.close();
        client.close();
    }
}
