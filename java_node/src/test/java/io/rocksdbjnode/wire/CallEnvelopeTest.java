package io.rocksdbjnode.wire;

import static io.rocksdbjnode.wire.AcceptingNodeFixture.a;
import static io.rocksdbjnode.wire.AcceptingNodeFixture.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpMsg;
import com.ericsson.otp.erlang.OtpOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message is read envelope first: a call whose request cannot be decoded is still a call (so its
 * caller gets an error reply), and anything else is described, whatever it holds. The messages are
 * written byte by byte and received over a real connection, as a peer's would be.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallEnvelopeTest {
    private static final int TOO_DEEP = 1_000_000;
    private static final OtpErlangObject TAG = t(a("alias"), a("tag"));

    private AcceptingNodeFixture nodes;
    private OtpMbox receiver;
    private OtpErlangPid caller;

    @BeforeEach
    void start() throws Exception {
        nodes = new AcceptingNodeFixture();
        receiver = nodes.client.createMbox();
        caller = nodes.mbox.self();
    }

    @AfterEach
    void stop() {
        nodes.close();
    }

    /** Sends the bytes {@code write} puts in a message over the connection and parses what arrives. */
    private CallEnvelope.Parsed parse(Consumer<OtpOutputStream> write) throws Exception {
        return CallEnvelope.parse(arrive(write));
    }

    private OtpMsg arrive(Consumer<OtpOutputStream> write) throws Exception {
        OtpOutputStream out = new OtpOutputStream();
        write.accept(out);
        assertTrue(nodes.node.send(caller, receiver.self(), out), "not sent");
        OtpMsg msg = receiver.receiveMsg(5_000);
        assertNotNull(msg, "nothing arrived");
        return msg;
    }

    /** {@link CallEnvelope#parseOnSmallStack} on a thread with a 256 KiB stack, as a reader might have. */
    private static CallEnvelope.Parsed parseOnSmallStack(OtpMsg msg, int maxBytes) throws Exception {
        return onStack(256L << 10, () -> CallEnvelope.parseOnSmallStack(msg, maxBytes));
    }

    /** {@link CallEnvelope#parse} on a stack as large as a worker's. */
    private static CallEnvelope.Parsed parseOnWorkerStack(OtpMsg msg) throws Exception {
        return onStack(64L << 20, () -> CallEnvelope.parse(msg));
    }

    private static CallEnvelope.Parsed onStack(long stackBytes, java.util.function.Supplier<CallEnvelope.Parsed> parse)
            throws Exception {
        CallEnvelope.Parsed[] out = new CallEnvelope.Parsed[1];
        Throwable[] failed = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                out[0] = parse.get();
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "parse-stack", stackBytes);
        t.start();
        t.join();
        if (failed[0] != null) {
            throw new AssertionError("parsing threw", failed[0]);
        }
        return out[0];
    }

    private void envelope(OtpOutputStream out) {
        out.write_tuple_head(3);
        out.write_atom("$gen_call");
        out.write_tuple_head(2);
        out.write_any(caller);
        out.write_any(TAG);
    }

    private static void nestedTooDeep(OtpOutputStream out) {
        for (int i = 0; i < TOO_DEEP; i++) {
            out.write_tuple_head(1);
        }
        out.write_atom("bottom");
    }

    /** An external term format tag no term has. */
    private static void undecodable(OtpOutputStream out) {
        out.write1(0xFF);
    }

    @Test
    void aCallIsReadWithItsReplyAddressAndRequest() throws Exception {
        OtpErlangObject request = t(a("get"), a("db"));
        CallEnvelope.Parsed p = parse(out -> {
            envelope(out);
            out.write_any(request);
        });
        assertEquals(new CallEnvelope.Parsed(new CallEnvelope.Call(caller, TAG, request, null), null), p);
    }

    @Test
    void aCallWhoseRequestCannotBeDecodedIsStillACall() throws Exception {
        CallEnvelope.Parsed p = parse(out -> {
            envelope(out);
            undecodable(out);
        });
        assertEquals(new CallEnvelope.Parsed(new CallEnvelope.Call(caller, TAG, null, "undecodable"), null), p);
    }

    @Test
    void aCallWhoseRequestIsNestedTooDeepIsStillACall() throws Exception {
        CallEnvelope.Parsed p = parse(out -> {
            envelope(out);
            nestedTooDeep(out);
        });
        assertEquals(new CallEnvelope.Parsed(new CallEnvelope.Call(caller, TAG, null, "too_deep"), null), p);
    }

    @Test
    void aMessageThatIsNotACallIsDescribed() throws Exception {
        OtpErlangObject hello = t(a("hello"), a("world"));
        CallEnvelope.Parsed p = parse(out -> out.write_any(hello));
        assertEquals(new CallEnvelope.Parsed(null, Terms.abbreviate(hello)), p);
    }

    @Test
    void aThreeTupleThatIsNotACallIsDescribed() throws Exception {
        OtpErlangObject cast = t(a("$gen_cast"), a("x"), a("y"));
        CallEnvelope.Parsed p = parse(out -> out.write_any(cast));
        assertEquals(new CallEnvelope.Parsed(null, Terms.abbreviate(cast)), p);
    }

    @Test
    void anUndecodableMessageIsDescribedAsSuch() throws Exception {
        CallEnvelope.Parsed p = parse(CallEnvelopeTest::undecodable);
        assertNull(p.call());
        assertTrue(p.notACall().startsWith("an undecodable term ("), p.notACall());
    }

    @Test
    void aMessageNestedTooDeepIsDescribedAsSuch() throws Exception {
        CallEnvelope.Parsed p = parse(CallEnvelopeTest::nestedTooDeep);
        assertEquals(new CallEnvelope.Parsed(null, "a term nested too deep to decode"), p);
    }

    @Test
    void onASmallStackACallIsReadAsOnAWorkers() throws Exception {
        OtpErlangObject request = t(a("get"), a("db"));
        OtpMsg msg = arrive(out -> {
            envelope(out);
            out.write_any(request);
        });
        assertEquals(new CallEnvelope.Parsed(new CallEnvelope.Call(caller, TAG, request, null), null),
                parseOnSmallStack(msg, 1024));
    }

    /**
     * A request too deep for a small stack, though well within a worker's, and a message over the
     * size limit, are left as they were (null), and then read in full on the worker's stack.
     */
    @Test
    void onASmallStackWhatDoesNotFitIsLeftForAWorker() throws Exception {
        int depth = 30_000; // 60 KB of one-element tuples
        OtpMsg deep = arrive(out -> {
            envelope(out);
            for (int i = 0; i < depth; i++) {
                out.write_tuple_head(1);
            }
            out.write_atom("bottom");
        });
        assertNull(parseOnSmallStack(deep, 1 << 20));
        CallEnvelope.Parsed again = parseOnWorkerStack(deep);
        assertNotNull(again.call());
        assertNotNull(again.call().request(), "too deep on the worker too: " + again.call().undecodable());
        OtpErlangObject request = t(a("put"), a("db"), a("k"));
        OtpMsg large = arrive(out -> {
            envelope(out);
            out.write_any(request);
        });
        assertNull(parseOnSmallStack(large, 8));
        assertEquals(request, CallEnvelope.parse(large).call().request());
    }

    @Test
    void onASmallStackAMessageThatIsNotACallIsLeftForAWorker() throws Exception {
        OtpMsg hello = arrive(out -> out.write_any(t(a("hello"), a("world"))));
        assertNull(parseOnSmallStack(hello, 1024));
        assertEquals(new CallEnvelope.Parsed(null, Terms.abbreviate(t(a("hello"), a("world")))), CallEnvelope.parse(hello));
    }
}
