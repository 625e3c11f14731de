package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.AcceptOnlyNode;
import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;
import java.net.InetAddress;
import java.util.UUID;

/**
 * The Java node's {@link AcceptOnlyNode} with a mailbox and an {@link Outbox}, but no
 * {@link NodeServer}, and a JInterface client node connected to it, for tests of the classes the
 * server is built from ({@link OwnershipOps}, {@link Outbox}, {@link CallEnvelope}).
 */
public final class AcceptingNodeFixture implements AutoCloseable {
    /** The node's default handshake timeout. */
    public static final long HANDSHAKE_TIMEOUT_MS = 5000;

    public static OtpErlangAtom a(String s) {
        return new OtpErlangAtom(s);
    }

    public static OtpErlangTuple t(OtpErlangObject... es) {
        return new OtpErlangTuple(es);
    }

    static final String COOKIE = "accepting-node-fixture-cookie";

    public final AcceptOnlyNode node;
    public final OtpMbox mbox;
    public final Outbox outbox;
    public final OtpNode client;
    private final String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    public AcceptingNodeFixture() throws Exception {
        BoundTransportFactory transports = new BoundTransportFactory(InetAddress.getLoopbackAddress(),
                HANDSHAKE_TIMEOUT_MS);
        node = new AcceptOnlyNode("ja" + unique + "@127.0.0.1", COOKIE, transports, HandshakeGate::connected);
        mbox = node.createMbox();
        outbox = new Outbox(node, mbox);
        transports.open();
        client = newClient("jb");
        connect(client);
    }

    /** A client node not yet connected to the Java node. */
    OtpNode newClient(String prefix) throws Exception {
        return new OtpNode(prefix + unique + "@127.0.0.1", COOKIE);
    }

    /** Connects {@code peer} to the Java node (which never dials) by sending it a message. */
    void connect(OtpNode peer) throws Exception {
        OtpMbox hello = peer.createMbox();
        try {
            hello.send(mbox.self(), new OtpErlangAtom("hello"));
            OtpErlangObject got = mbox.receive(10_000);
            // JInterface registers a connection an instant after its first message may arrive.
            if (got == null || !node.awaitConnected(peer.node(), 10_000)) {
                throw new AssertionError(peer.node() + " did not connect");
            }
        } finally {
            hello.close();
        }
    }

    /** {@code {{{...{bottom}...}}}}, {@code depth} tuples deep: too deep to encode or decode on a thread's stack. */
    public static OtpErlangObject nestedTooDeep(int depth) {
        OtpErlangObject t = new OtpErlangAtom("bottom");
        for (int i = 0; i < depth; i++) {
            t = new OtpErlangTuple(t);
        }
        return t;
    }

    @Override
    public void close() {
        client.close();
        mbox.close();
        node.close();
    }
}
