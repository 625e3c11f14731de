package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangObject;

/**
 * A request that cannot be served. It carries the exact term the node replies with, so code deep
 * in an operation can end the request with a documented reply ({@code {error, ...}}) by throwing.
 */
final class RequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient OtpErlangObject reply;

    private RequestException(OtpErlangObject reply) {
        super(reply.toString(), null, false, false);
        this.reply = reply;
    }

    /** The reply {@code {error, Reason}}. */
    static RequestException error(OtpErlangObject reason) {
        return new RequestException(Terms.tuple(Terms.ERROR, reason));
    }

    /** The reply {@code {error, {badarg, Detail}}}, which the client raises as {@code badarg}. */
    static RequestException badarg(OtpErlangObject detail) {
        return error(Terms.tuple(Terms.atom("badarg"), detail));
    }

    /** {@code {error, {badarg, {bad_argument, Name}}}}: an argument of the wrong type or range. */
    static RequestException badArgument(String name) {
        return badarg(Terms.tuple(Terms.atom("bad_argument"), Terms.atom(name)));
    }

    /** {@code {error, {Kind, Text}}} with Text a charlist, the shape erlang-rocksdb uses for statuses. */
    static RequestException text(String kind, String text) {
        return error(Terms.tuple(Terms.atom(kind), Terms.charlist(text)));
    }

    OtpErlangObject reply() {
        return reply;
    }
}
