package com.ericsson.otp.erlang;

/**
 * Builds an {@link OtpMsg} as JInterface's connection thread does for a registered send (its
 * constructors are package-private), so the benchmarks can hand the node's own envelope parser
 * the same object it gets from the mailbox. Benchmarks only.
 */
public final class BenchMessages {
    private BenchMessages() {}

    /** A message to {@code toName} from {@code from} whose payload is {@code payload} (version byte included). */
    public static OtpMsg regSend(OtpErlangPid from, String toName, byte[] payload) {
        return new OtpMsg(from, toName, new OtpInputStream(payload, 0));
    }
}
