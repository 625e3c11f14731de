package io.rocksdbjnode.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.AcceptOnlyNode;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;
import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JInterface starts a new connection's reader before its acceptor registers the connection, so
 * the first message of a new node can be answered before the connection is in the table. Here the
 * registration is slowed down on purpose (the acceptor's callback sleeps): a ping, which
 * JInterface's own net_kernel mailbox answers and Erlang's net_adm:ping awaits without a timeout,
 * and a reply sent through the Outbox must both still arrive.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistrationRaceTest {
    private static final String COOKIE = "registration-race-cookie";

    private static AcceptOnlyNode slowRegistering(String name, BoundTransportFactory transports) throws Exception {
        return new AcceptOnlyNode(name, COOKIE, transports, t -> {
            HandshakeGate.connected(t);
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private final String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private BoundTransportFactory transports;
    private AcceptOnlyNode node;
    private OtpNode client;

    /** The node, its connections held back until a test calls {@code transports.open()}. */
    @BeforeEach
    void start() throws Exception {
        transports = new BoundTransportFactory(InetAddress.getLoopbackAddress(), AcceptingNodeFixture.HANDSHAKE_TIMEOUT_MS);
        node = slowRegistering("jr" + unique + "@127.0.0.1", transports);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        node.close();
    }

    @Test
    void aPingArrivingBeforeItsConnectionIsRegisteredIsAnswered() throws Exception {
        transports.open();
        client = new OtpNode("jq" + unique + "@127.0.0.1", COOKIE);
        assertTrue(client.ping(node.node(), 10_000), "the first ping of a new node is answered");
    }

    @Test
    void aReplyToANewNodesFirstCallArrives() throws Exception {
        OtpMbox server = node.createMbox();
        Outbox outbox = new Outbox(node, server);
        transports.open();
        client = new OtpNode("jq" + unique + "@127.0.0.1", COOKIE);
        OtpMbox caller = client.createMbox();
        caller.send(server.self(), AcceptingNodeFixture.a("hello"));
        assertTrue(server.receive(10_000) != null, "the first message arrives");
        outbox.reply(caller.self(), AcceptingNodeFixture.a("tag"), AcceptingNodeFixture.a("answer"));
        assertTrue(Terms.tuple(AcceptingNodeFixture.a("tag"), AcceptingNodeFixture.a("answer")).equals(caller.receive(10_000)),
                "the reply arrives");
    }
}
