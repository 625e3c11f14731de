package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One decoded {@code gen_server} call: who made it, the tag to reply with, the request's name
 * (the {@code rocksdb:*} function it serves) and its arguments, and its {@link Answer}: the reply
 * is what the handler returns, unless the handler answered early (an async call answers
 * {@code {ok, Ref}} at once and goes on working; what it returns is then its completion).
 */
public record Request(OtpErlangPid from, OtpErlangObject tag, String name, OtpErlangObject[] args, Answer answer) {
    /** A request not bound to a caller: an early answer is only recorded (for tests and direct calls). */
    public Request(OtpErlangPid from, OtpErlangObject tag, String name, OtpErlangObject[] args) {
        this(from, tag, name, args, new Answer(null));
    }

    public OtpErlangObject arg(int i) {
        return args[i];
    }

    public int arity() {
        return args.length;
    }

    /** The same call served as another request (a shorter arity filled in to its full form). */
    Request as(String target, OtpErlangObject[] targetArgs) {
        return new Request(from, tag, target, targetArgs, answer);
    }

    /**
     * Replies {@code reply} to the caller now, before the handler returns; what the handler
     * returns afterwards (its outcome, which the request counters count) goes to
     * {@code completion} instead of the caller, once, after the counters. At most once per request.
     */
    public void answerNow(OtpErlangObject reply, Consumer<OtpErlangObject> completion) {
        answer.now(reply, completion);
    }

    /** How a request's reply leaves: once, either early or when its handler returns. */
    public static final class Answer {
        private final Consumer<OtpErlangObject> sender;
        private final AtomicReference<OtpErlangObject> early = new AtomicReference<>();
        private volatile Consumer<OtpErlangObject> completion;

        /** {@code sender} sends a reply to the caller; null to only record an early one. */
        public Answer(Consumer<OtpErlangObject> sender) {
            this.sender = sender;
        }

        void now(OtpErlangObject reply, Consumer<OtpErlangObject> then) {
            if (!early.compareAndSet(null, reply)) {
                throw new IllegalStateException("a request is answered once");
            }
            completion = then;
            if (sender != null) {
                sender.accept(reply);
            }
        }

        /**
         * Hands the handler's outcome to the completion when the request was answered early, and
         * says so; false when the outcome is the reply still to send.
         */
        public boolean completes(OtpErlangObject outcome) {
            if (early.get() == null) {
                return false;
            }
            completion.accept(outcome);
            return true;
        }

        /** The early reply, or null when the handler's return value is the reply. */
        public OtpErlangObject early() {
            return early.get();
        }
    }
}
