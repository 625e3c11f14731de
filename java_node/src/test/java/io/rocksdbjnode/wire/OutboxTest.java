package io.rocksdbjnode.wire;

import static io.rocksdbjnode.wire.AcceptingNodeFixture.a;
import static io.rocksdbjnode.wire.AcceptingNodeFixture.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the node sends goes to its own mailboxes or over a connection a peer opened; it never
 * dials, and a reply waits briefly for its caller's connection to be registered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboxTest {
    private static final OtpErlangPid GHOST = new OtpErlangPid("ghost@127.1.2.3", 1, 0, 1);

    private AcceptingNodeFixture nodes;
    private OtpMbox local;
    private OtpMbox remote;

    @BeforeEach
    void start() throws Exception {
        nodes = new AcceptingNodeFixture();
        local = nodes.node.createMbox();
        remote = nodes.client.createMbox();
    }

    @AfterEach
    void stop() {
        nodes.close();
    }

    @Test
    void aPidOfThisNodeOrOfAConnectedNodeIsReachedAndAnyOtherIsNot() {
        assertTrue(nodes.outbox.reaches(local.self()), "a mailbox of this node");
        assertTrue(nodes.outbox.reaches(remote.self()), "a mailbox of a connected node");
        assertFalse(nodes.outbox.reaches(GHOST), "a pid of a node that is not connected");
    }

    @Test
    void aMessageToAMailboxOfThisNodeIsDelivered() throws Exception {
        assertEquals(Outbox.Delivery.SENT, nodes.outbox.send(local.self(), a("hi")));
        assertEquals(a("hi"), local.receive(5_000));
    }

    @Test
    void aMessageToAConnectedNodeIsSent() throws Exception {
        assertEquals(Outbox.Delivery.SENT, nodes.outbox.send(remote.self(), t(a("hi"), a("there"))));
        assertEquals(t(a("hi"), a("there")), remote.receive(5_000));
    }

    @Test
    void aMessageToANodeThatIsNotConnectedIsDroppedWithoutDialing() {
        assertEquals(Outbox.Delivery.NOT_CONNECTED, nodes.outbox.send(GHOST, a("hi")));
    }

    @Test
    void aMessageTooDeepToEncodeIsNotSent() throws Exception {
        assertEquals(Outbox.Delivery.NOT_ENCODABLE,
                nodes.outbox.send(remote.self(), AcceptingNodeFixture.nestedTooDeep(1_000_000)));
        assertNull(remote.receive(300));
    }

    @Test
    void aReplyWaitsForItsCallersNodeToConnect() throws Exception {
        OtpNode late = nodes.newClient("jl");
        try {
            OtpMbox caller = late.createMbox();
            CompletableFuture<Outbox.Delivery> reply = new CompletableFuture<>();
            Thread replying = new Thread(() -> reply.complete(nodes.outbox.reply(caller.self(), a("tag"), a("answer"))),
                    "reply");
            replying.setDaemon(true);
            replying.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (replying.getState() != Thread.State.TIMED_WAITING && !reply.isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertFalse(reply.isDone(), "the reply did not wait for the connection: " + reply.getNow(null));
            nodes.connect(late);
            assertEquals(Outbox.Delivery.SENT, reply.get(5, TimeUnit.SECONDS));
            assertEquals(Terms.tuple(a("tag"), a("answer")), caller.receive(5_000));
        } finally {
            late.close();
        }
    }

    @Test
    void anInterruptedReplyDoesNotWaitAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        assertEquals(Outbox.Delivery.NOT_CONNECTED, nodes.outbox.reply(GHOST, a("tag"), a("answer")));
        assertTrue(Thread.interrupted(), "the interrupt was swallowed");
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(900), "an interrupted reply waited");
    }

    @Test
    void aReplyToANodeThatNeverConnectsIsDroppedAfterAWait() {
        assertEquals(Outbox.Delivery.NOT_CONNECTED, nodes.outbox.reply(GHOST, a("tag"), a("answer")));
    }

    @Test
    void aCallTaggedWithAnAliasIsAnsweredThroughIt() throws Exception {
        OtpErlangPid caller = new OtpErlangPid("caller@127.0.0.1", 7, 0, 1);
        OtpErlangRef alias = new OtpErlangRef("caller@127.0.0.1", new int[] {1, 2, 3}, 1);
        OtpErlangAtom aliasAtom = a("alias");
        // gen_server:call and send_request tag a call [alias | Ref]; gen_statem nests it.
        OtpErlangList tag = new OtpErlangList(new OtpErlangObject[] {aliasAtom}, alias);
        assertEquals(alias, Outbox.aliasOf(tag, caller));
        assertEquals(alias, Outbox.aliasOf(new OtpErlangList(new OtpErlangObject[] {tag}, a("x")), caller));
        // Anything else is answered to the pid: a plain ref, a proper list, an alias of another node.
        assertNull(Outbox.aliasOf(alias, caller));
        assertNull(Outbox.aliasOf(new OtpErlangList(new OtpErlangObject[] {aliasAtom, alias}), caller));
        OtpErlangRef elsewhere = new OtpErlangRef("other@127.0.0.1", new int[] {1, 2, 3}, 1);
        assertNull(Outbox.aliasOf(new OtpErlangList(new OtpErlangObject[] {aliasAtom}, elsewhere), caller));
    }
}
