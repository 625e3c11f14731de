package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.BenchMessages;
import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpInputStream;
import com.ericsson.otp.erlang.OtpOutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The term codec of one small call, as the node's mailbox thread and its reply path do it:
 * decoding {@code {'$gen_call', {Pid, [alias | Ref]}, {put, Db, Key, Value, []}}} (a 100-byte
 * value, Db a reference, as OTP 25's gen_server:call sends it), the whole term at once and through
 * the node's own envelope parser ({@link CallEnvelope}) followed by the split into name and
 * arguments that dispatch does; and encoding the replies {@code {Tag, ok}} and
 * {@code {Tag, {ok, Value}}}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
    private static final String CLIENT = "bench@127.0.0.1";

    private byte[] putCall;
    private byte[] getCall;
    private OtpErlangPid from;
    private OtpErlangTuple okReply;
    private OtpErlangTuple valueReply;

    static OtpErlangRef ref(int... ids) throws Exception {
        return new OtpErlangRef(CLIENT, ids, 3);
    }

    static byte[] encodeWithVersion(OtpErlangObject term) {
        OtpOutputStream o = new OtpOutputStream();
        o.write1(131);
        o.write_any(term);
        return o.toByteArray();
    }

    static OtpErlangTuple genCall(OtpErlangPid from, OtpErlangObject tag, OtpErlangObject request) {
        return new OtpErlangTuple(new OtpErlangObject[] {
            new OtpErlangAtom("$gen_call"), new OtpErlangTuple(new OtpErlangObject[] {from, tag}), request});
    }

    @Setup
    public void setup() throws Exception {
        from = new OtpErlangPid(CLIENT, 123, 0, 3);
        // OTP 25's gen_server:call tags a call with [alias | Ref].
        OtpErlangObject tag = new OtpErlangList(new OtpErlangObject[] {new OtpErlangAtom("alias")}, ref(7, 8, 9));
        OtpErlangRef db = new OtpErlangRef("jnode_1@127.0.0.1", new int[] {11, 12, 13}, 1);
        byte[] value = new byte[100];
        Arrays.fill(value, (byte) 0x5a);
        OtpErlangBinary key = new OtpErlangBinary("k0000000042".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        putCall = encodeWithVersion(genCall(from, tag, new OtpErlangTuple(new OtpErlangObject[] {
            new OtpErlangAtom("put"), db, key, new OtpErlangBinary(value), new OtpErlangList()})));
        getCall = encodeWithVersion(genCall(from, tag, new OtpErlangTuple(new OtpErlangObject[] {
            new OtpErlangAtom("get"), db, key, new OtpErlangList()})));
        okReply = new OtpErlangTuple(new OtpErlangObject[] {tag, new OtpErlangAtom("ok")});
        valueReply = new OtpErlangTuple(new OtpErlangObject[] {tag, new OtpErlangTuple(new OtpErlangObject[] {
            new OtpErlangAtom("ok"), new OtpErlangBinary(value)})});
        // The payloads must decode as the node expects, else the figures measure an error path.
        Request r = decodePutEnvelope();
        if (!r.name().equals("put") || r.arity() != 4) {
            throw new IllegalStateException("the put call decoded as " + r.name() + "/" + r.arity());
        }
    }

    /** The whole put call decoded as one term, as {@code OtpMsg.getMsg()} does. */
    @Benchmark
    public OtpErlangObject decodePutWhole() throws Exception {
        return new OtpInputStream(putCall, 0).read_any();
    }

    /** The put call through the node's envelope parser, then split into name and arguments. */
    @Benchmark
    public Request decodePutEnvelope() {
        return split(CallEnvelope.parse(BenchMessages.regSend(from, "rocksdb", putCall)));
    }

    /** The get call through the node's envelope parser, then split into name and arguments. */
    @Benchmark
    public Request decodeGetEnvelope() {
        return split(CallEnvelope.parse(BenchMessages.regSend(from, "rocksdb", getCall)));
    }

    /** The reply to a put, encoded as OtpMbox.send encodes a message. */
    @Benchmark
    public byte[] encodeOkReply() {
        return new OtpOutputStream(okReply).toByteArray();
    }

    /** The reply to a get of a 100-byte value. */
    @Benchmark
    public byte[] encodeValueReply() {
        return new OtpOutputStream(valueReply).toByteArray();
    }

    /** What NodeServer.dispatch makes of a parsed call before it looks up the route. */
    static Request split(CallEnvelope.Parsed parsed) {
        CallEnvelope.Call call = parsed.call();
        OtpErlangTuple t = (OtpErlangTuple) call.request();
        return new Request(call.from(), call.tag(), Terms.atomName(t.elementAt(0)),
                Arrays.copyOfRange(t.elements(), 1, t.arity()));
    }
}
