package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;

/**
 * One decoded {@code gen_server} call: who made it, the tag to reply with, the request's name
 * (the {@code rocksdb:*} function it serves) and its arguments.
 */
public record Request(OtpErlangPid from, OtpErlangObject tag, String name, OtpErlangObject[] args) {
    public OtpErlangObject arg(int i) {
        return args[i];
    }

    public int arity() {
        return args.length;
    }
}
