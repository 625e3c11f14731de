package io.rocksdbjnode.handle;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
import java.util.List;

/**
 * Who owns a new handle and who inherits it, taken from the {@code {owner, Pid}} and
 * {@code {heir, Pid, Data} | {heir, none}} entries of an open request's options (the entries the
 * client adds), defaulting to the caller.
 */
public record Ownership(OtpErlangPid owner, OtpErlangPid heir, OtpErlangObject heirData) {

    /** Takes the ownership entries out of {@code options}, which keeps the rest. */
    public static Ownership extract(List<Option> options, OtpErlangPid caller) throws RequestException {
        OtpErlangPid owner = caller;
        OtpErlangPid heir = null;
        OtpErlangObject heirData = null;
        List<Option> rest = new ArrayList<>();
        for (Option o : options) {
            switch (o.key()) {
                case "owner" -> {
                    o.expectArity(1);
                    owner = Terms.pid(o.value(), "owner");
                }
                case "heir" -> {
                    if (o.values().size() == 1 && "none".equals(Terms.atomName(o.value()))) {
                        heir = null;
                    } else {
                        o.expectArity(2);
                        heir = Terms.pid(o.value(), "heir");
                        heirData = o.values().get(1);
                    }
                }
                default -> rest.add(o);
            }
        }
        options.clear();
        options.addAll(rest);
        return new Ownership(owner, heir, heirData);
    }
}
