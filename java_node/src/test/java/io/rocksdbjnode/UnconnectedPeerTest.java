package io.rocksdbjnode;

import static io.rocksdbjnode.NodeFixture.a;
import static io.rocksdbjnode.NodeFixture.t;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handles pass only to pids whose node is connected to the Java node, which never dials: a
 * give_away to any other pid is refused and changes nothing, and an heir on such a node counts
 * as gone. (Before, the node dialed, under the lock every reply takes, and moved the handle to a
 * pid that was never told.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnconnectedPeerTest {
    private static final long REPLY_LIMIT_MS = 5_000;
    private static final String GHOST_NODE = "ghost@127.1.2.3";
    private static final OtpErlangPid GHOST = new OtpErlangPid(GHOST_NODE, 1, 0, 1);
    private static final OtpErlangList NO_OPTS = new OtpErlangList();

    @TempDir
    Path tmp;

    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = new NodeFixture();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private OtpErlangObject call(OtpErlangObject request) throws Exception {
        OtpErlangObject reply = node.call(request, REPLY_LIMIT_MS);
        if (reply == null) {
            throw new AssertionError("no reply within " + REPLY_LIMIT_MS + " ms to " + request);
        }
        return reply;
    }

    private OtpErlangRef openDb(String name) throws Exception {
        OtpErlangObject reply = call(t(a("open"), path(name), new OtpErlangList(a("create_if_missing"))));
        OtpErlangTuple ok = assertInstanceOf(OtpErlangTuple.class, reply, () -> "not {ok, Db}: " + reply);
        return assertInstanceOf(OtpErlangRef.class, ok.elementAt(1));
    }

    private OtpErlangBinary path(String name) throws Exception {
        return new OtpErlangBinary(tmp.toRealPath().resolve(name).toString().getBytes(UTF_8));
    }

    @Test
    void giveAwayToAPidOnANodeThatIsNotConnectedIsRefusedAndTheOwnerStays() throws Exception {
        OtpErlangRef db = openDb("db");
        assertEquals(t(a("error"), t(a("badarg"), t(a("not_connected"), a(GHOST_NODE)))),
                call(t(a("give_away"), db, GHOST, a("gift"))));
        // Still the caller's: only the owner may set an heir.
        assertEquals(a("ok"), call(t(a("set_heir"), db, a("none"), a("x"))));
        assertEquals(a("ok"), call(t(a("put"), db, new OtpErlangBinary(new byte[] {1}),
                new OtpErlangBinary(new byte[] {2}), NO_OPTS)));
    }

    @Test
    void giveAwayToAPidOnAConnectedNodeTransfers() throws Exception {
        OtpErlangRef db = openDb("db");
        OtpMbox next = node.client.createMbox();
        try {
            assertEquals(a("ok"), call(t(a("give_away"), db, next.self(), a("gift"))));
            assertEquals(t(a("ROCKSDB-TRANSFER"), db, node.mbox.self(), a("gift")), next.receive(REPLY_LIMIT_MS));
        } finally {
            next.close();
        }
    }

    @Test
    void anHeirOnANodeThatIsNotConnectedCountsAsGoneWhenTheOwnerExits() throws Exception {
        OtpErlangRef db = openDb("db");
        assertEquals(a("ok"), call(t(a("set_heir"), db, GHOST, a("heir_data"))));
        assertEquals(t(a("ok"), new OtpErlangList()), call(t(a("owner_down"), node.mbox.self())),
                "nothing was inherited");
        assertEquals(t(a("error"), t(a("badarg"), t(a("closed_handle"), db))),
                call(t(a("put"), db, new OtpErlangBinary(new byte[] {1}), new OtpErlangBinary(new byte[] {2}),
                        NO_OPTS)));
        // Closed, so the path opens again.
        OtpErlangRef again = openDb("db");
        assertEquals(a("ok"), call(t(a("close"), again)));
    }
}
