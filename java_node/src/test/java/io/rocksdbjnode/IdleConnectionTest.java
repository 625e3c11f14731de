package io.rocksdbjnode;

import static io.rocksdbjnode.NodeFixture.a;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpNode;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TCP connections to the node's port that never handshake hold up neither the replies to a
 * connected node nor a new node's connection. (JInterface alone handshakes under the lock every
 * send takes, and reads without a timeout: there, one silent socket stalls every reply.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleConnectionTest {
    /** Without the gate a reply waits as long as the sockets stay open; with it, milliseconds. */
    private static final long REPLY_LIMIT_MS = 5_000;

    private NodeFixture node;
    private final List<Socket> idle = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = new NodeFixture();
        assertEquals(a("pong"), node.call(a("ping"), REPLY_LIMIT_MS), "connected before the idle sockets");
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : idle) {
            s.close();
        }
        node.close();
    }

    @Test
    void idleSocketsDelayNeitherRepliesNorNewNodes() throws Exception {
        for (int i = 0; i < 10; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), node.server.port());
            idle.add(s);
            if (i % 2 == 1) {
                OutputStream out = s.getOutputStream();
                out.write(0); // half of a handshake message's length
                out.flush();
            }
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(a("pong"), node.call(a("ping"), REPLY_LIMIT_MS), "reply " + i);
        }
        String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        OtpNode other = new OtpNode("jo" + unique + "@127.0.0.1", NodeFixture.COOKIE);
        try {
            assertTrue(other.ping(node.serverNode, REPLY_LIMIT_MS), "a new node connects past the idle sockets");
        } finally {
            other.close();
        }
    }
}
