package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of an Erlang property list: {@code {Key, Value}}, a bare atom {@code Key} (meaning
 * {@code {Key, true}}), or a longer tuple such as {@code {heir, Pid, Data}} whose values follow the key.
 */
record Option(String key, List<OtpErlangObject> values, OtpErlangObject raw) {

    OtpErlangObject value() {
        return values.get(0);
    }

    boolean bool() throws RequestException {
        expectArity(1);
        return Terms.bool(value(), key);
    }

    void expectArity(int n) throws RequestException {
        if (values.size() != n) {
            throw RequestException.badArgument(key);
        }
    }

    /** Parses an options list; anything that is not a property is a {@code badarg} on {@code name}. */
    static List<Option> parse(OtpErlangObject term, String name) throws RequestException {
        List<Option> out = new ArrayList<>();
        for (OtpErlangObject e : Terms.elements(term, name)) {
            String bare = Terms.atomName(e);
            if (bare != null) {
                out.add(new Option(bare, List.of(Terms.TRUE), e));
            } else if (e instanceof OtpErlangTuple t && t.arity() >= 2 && Terms.atomName(t.elementAt(0)) != null) {
                List<OtpErlangObject> values = new ArrayList<>();
                for (int i = 1; i < t.arity(); i++) {
                    values.add(t.elementAt(i));
                }
                out.add(new Option(Terms.atomName(t.elementAt(0)), values, e));
            } else {
                throw RequestException.badArgument(name);
            }
        }
        return out;
    }
}
