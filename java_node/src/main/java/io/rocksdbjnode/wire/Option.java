package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of an Erlang property list: {@code {Key, Value}}, a bare atom {@code Key} (meaning
 * {@code {Key, true}}), or a longer tuple such as {@code {heir, Pid, Data}} whose values follow the key.
 *
 * <p>An option list is read one way: {@link #parse} into entries, then either a {@link Reader}
 * (named keys, each decoded as it is met, in list order) or a walk over the entries where each
 * key maps onto a setter.
 */
public record Option(String key, List<OtpErlangObject> values, OtpErlangObject raw) {

    /** The value of a {@code {Key, Value}} entry. */
    public OtpErlangObject value() {
        return values.get(0);
    }

    /** The value of a {@code {Key, true | false}} entry (or a bare {@code Key}). */
    public boolean bool() throws RequestException {
        expectArity(1);
        return Terms.bool(value(), key);
    }

    /** The value of a {@code {Key, N}} entry, N a non-negative integer that fits a Java long. */
    public long nonNegativeLong() throws RequestException {
        expectArity(1);
        return Terms.nonNegativeLong(value(), key);
    }

    /** The value of a {@code {Key, N}} entry, {@code min <= N}, N fitting a Java int. */
    public int intAtLeast(int min) throws RequestException {
        expectArity(1);
        int v = Terms.nonNegativeInt(value(), key);
        if (v < min) {
            throw RequestException.badArgument(key);
        }
        return v;
    }

    /** Refuses the entry, as a {@code badarg} on its key, unless it carries {@code n} values. */
    public void expectArity(int n) throws RequestException {
        if (values.size() != n) {
            throw RequestException.badArgument(key);
        }
    }

    /** Parses an options list; anything that is not a property is a {@code badarg} on {@code name}. */
    public static List<Option> parse(OtpErlangObject term, String name) throws RequestException {
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

    /** Decodes one entry's value, refusing it with a {@link RequestException}. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(Option o) throws RequestException;
    }

    /**
     * Reads an option list of known keys: every entry is checked in list order, a known key's by
     * its decoder, the last occurrence winning; an unknown key is ignored, or refused with
     * {@code {error, {bad_option, Opt}}} when the set of keys is closed.
     */
    public static final class Reader {
        private final Map<String, Decoder<?>> keys = new LinkedHashMap<>();
        private final boolean closed;

        private Reader(boolean closed) {
            this.closed = closed;
        }

        /** A reader that refuses keys it was not told of. */
        public static Reader closed() {
            return new Reader(true);
        }

        /** A reader that ignores keys it was not told of, as the NIF does for DB options. */
        public static Reader open() {
            return new Reader(false);
        }

        /** A {@code {Key, true | false}} option. */
        public Reader bool(String key) {
            return key(key, Option::bool);
        }

        /** A {@code {Key, Value}} option, decoded by {@code decoder}. */
        public Reader key(String key, Decoder<?> decoder) {
            keys.put(key, decoder);
            return this;
        }

        /** Reads the option list {@code term}, the argument {@code name} of its request. */
        public Values read(OtpErlangObject term, String name) throws RequestException {
            return read(parse(term, name));
        }

        /** Reads parsed entries. */
        public Values read(List<Option> options) throws RequestException {
            Map<String, Object> decoded = new HashMap<>();
            for (Option o : options) {
                Decoder<?> d = keys.get(o.key());
                if (d != null) {
                    decoded.put(o.key(), d.decode(o));
                } else if (closed) {
                    throw RequestException.badOption(o.raw());
                }
            }
            return new Values(decoded);
        }
    }

    /** The decoded values of a {@link Reader}, by key. */
    public static final class Values {
        private final Map<String, Object> decoded;

        private Values(Map<String, Object> decoded) {
            this.decoded = decoded;
        }

        public boolean bool(String key, boolean absent) {
            return get(key, Boolean.class, absent);
        }

        /** The decoded value of {@code key}, or {@code absent} when the list does not have it. */
        public <T> T get(String key, Class<T> type, T absent) {
            Object v = decoded.get(key);
            return v == null ? absent : type.cast(v);
        }
    }
}
