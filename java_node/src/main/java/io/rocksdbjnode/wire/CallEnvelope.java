package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangDecodeException;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpInputStream;
import com.ericsson.otp.erlang.OtpMsg;
import java.lang.reflect.Field;

/**
 * Reads a {@code {'$gen_call', {Pid, Tag}, Request}} message envelope first and the request
 * after, so that a request which cannot be decoded (nested deeper than the decoder's stack, or
 * malformed) still gets an error reply instead of leaving its caller waiting.
 *
 * <p>JInterface decodes a message only as a whole ({@link OtpMsg#getMsg()}); the raw payload is
 * in OtpMsg's protected {@code paybuf} field, read here by reflection. When that field cannot be
 * read (another JInterface), the whole message is decoded as before and an undecodable call is
 * dropped with a log line.
 */
final class CallEnvelope {
    /** A call: the reply address, and the request or why it could not be decoded. */
    record Call(OtpErlangPid from, OtpErlangObject tag, OtpErlangObject request, String undecodable) {}

    /** What a message turned out to be: a call, or not (with a printable summary of it). */
    record Parsed(Call call, String notACall) {}

    private static final Field PAYLOAD = payloadField();

    private CallEnvelope() {}

    static Parsed parse(OtpMsg msg) {
        return parse(msg, true);
    }

    /**
     * {@link #parse}, on a thread with a small stack: null when the message is larger than
     * {@code maxBytes}, or nested too deep for this thread's stack, and then the message is as it
     * was, to be parsed again on a worker's stack ({@link #parse}).
     */
    static Parsed parseOnSmallStack(OtpMsg msg, int maxBytes) {
        OtpInputStream in = payload(msg);
        if (in == null || in.available() > maxBytes) {
            return null;
        }
        return parse(msg, false);
    }

    /** {@code lastTry}: a stack overflow means the term is too deep, not that the stack is too small. */
    private static Parsed parse(OtpMsg msg, boolean lastTry) {
        OtpInputStream in = payload(msg);
        if (in == null) {
            return parseWhole(msg);
        }
        int start = in.getPos();
        try {
            if (in.read_tuple_head() == 3 && "$gen_call".equals(in.read_atom()) && in.read_tuple_head() == 2) {
                OtpErlangPid from = in.read_pid();
                OtpErlangObject tag = in.read_any();
                try {
                    return new Parsed(new Call(from, tag, in.read_any(), null), null);
                } catch (OtpErlangDecodeException e) {
                    return new Parsed(new Call(from, tag, null, "undecodable"), null);
                } catch (StackOverflowError e) {
                    if (!lastTry) {
                        in.setPos(start);
                        return null;
                    }
                    return new Parsed(new Call(from, tag, null, "too_deep"), null);
                } catch (OutOfMemoryError e) {
                    // The request's terms do not fit in the heap; what was built of them is garbage now.
                    return new Parsed(new Call(from, tag, null, "too_large"), null);
                }
            }
        } catch (OtpErlangDecodeException | StackOverflowError notACall) {
            // Fall through: describe the whole message below.
        }
        in.setPos(start);
        if (!lastTry) {
            // Not a call (or too deep to tell): described on a worker, where describing cannot overflow.
            return null;
        }
        return new Parsed(null, describe(in));
    }

    private static String describe(OtpInputStream in) {
        try {
            return Terms.abbreviate(in.read_any());
        } catch (OtpErlangDecodeException e) {
            return "an undecodable term (" + e.getMessage() + ")";
        } catch (StackOverflowError e) {
            return "a term nested too deep to decode";
        }
    }

    private static Parsed parseWhole(OtpMsg msg) {
        OtpErlangObject term;
        try {
            term = msg.getMsg();
        } catch (OtpErlangDecodeException e) {
            return new Parsed(null, "an undecodable term (" + e.getMessage() + ")");
        } catch (StackOverflowError e) {
            return new Parsed(null, "a term nested too deep to decode");
        }
        if (term instanceof OtpErlangTuple t && t.arity() == 3 && "$gen_call".equals(Terms.atomName(t.elementAt(0)))
                && t.elementAt(1) instanceof OtpErlangTuple f && f.arity() == 2
                && f.elementAt(0) instanceof OtpErlangPid pid) {
            return new Parsed(new Call(pid, f.elementAt(1), t.elementAt(2), null), null);
        }
        return new Parsed(null, Terms.abbreviate(term));
    }

    private static OtpInputStream payload(OtpMsg msg) {
        if (PAYLOAD == null) {
            return null;
        }
        try {
            return (OtpInputStream) PAYLOAD.get(msg);
        } catch (IllegalAccessException | ClassCastException e) {
            return null;
        }
    }

    private static Field payloadField() {
        try {
            Field f = OtpMsg.class.getDeclaredField("paybuf");
            f.setAccessible(true);
            return f.getType() == OtpInputStream.class ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
