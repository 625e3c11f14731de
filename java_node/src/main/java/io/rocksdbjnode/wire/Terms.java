package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The term codec: building reply terms and decoding request arguments. Every decoder checks the
 * type and range of what it reads and throws {@link RequestException} with a {@code badarg}
 * reply naming the argument, so a malformed request never reaches RocksDB.
 */
public final class Terms {
    public static final OtpErlangAtom OK = atom("ok");
    public static final OtpErlangAtom ERROR = atom("error");
    public static final OtpErlangAtom TRUE = atom("true");
    public static final OtpErlangAtom FALSE = atom("false");
    public static final OtpErlangAtom NONE = atom("none");

    private Terms() {}

    public static OtpErlangAtom atom(String name) {
        return new OtpErlangAtom(name);
    }

    public static OtpErlangTuple tuple(OtpErlangObject... elements) {
        return new OtpErlangTuple(elements);
    }

    public static OtpErlangList list(List<? extends OtpErlangObject> elements) {
        return new OtpErlangList(elements.toArray(new OtpErlangObject[0]));
    }

    /** A binary holding exactly these bytes (never Java-serialised). */
    public static OtpErlangBinary binary(byte[] bytes) {
        return new OtpErlangBinary(bytes);
    }

    public static OtpErlangLong integer(long value) {
        return new OtpErlangLong(value);
    }

    /** An Erlang string (a list of code points), the type of erlang-rocksdb's status texts. */
    public static OtpErlangObject charlist(String text) {
        return new OtpErlangString(text);
    }

    public static OtpErlangTuple ok(OtpErlangObject value) {
        return tuple(OK, value);
    }

    /** The atom name when the term is an atom, else null. */
    public static String atomName(OtpErlangObject term) {
        return term instanceof OtpErlangAtom a ? a.atomValue() : null;
    }

    public static OtpErlangRef ref(OtpErlangObject term, String name) throws RequestException {
        if (term instanceof OtpErlangRef r) {
            return r;
        }
        throw RequestException.badArgument(name);
    }

    public static OtpErlangPid pid(OtpErlangObject term, String name) throws RequestException {
        if (term instanceof OtpErlangPid p) {
            return p;
        }
        throw RequestException.badArgument(name);
    }

    public static byte[] bytes(OtpErlangObject term, String name) throws RequestException {
        if (term instanceof OtpErlangBinary b) {
            return b.binaryValue();
        }
        throw RequestException.badArgument(name);
    }

    public static boolean bool(OtpErlangObject term, String name) throws RequestException {
        String atom = atomName(term);
        if ("true".equals(atom)) {
            return true;
        }
        if ("false".equals(atom)) {
            return false;
        }
        throw RequestException.badArgument(name);
    }

    /** A non-negative integer that fits a Java int, as RocksDB's backup ids and counts do. */
    public static int nonNegativeInt(OtpErlangObject term, String name) throws RequestException {
        long v = nonNegativeLong(term, name);
        if (v > Integer.MAX_VALUE) {
            throw RequestException.badArgument(name);
        }
        return (int) v;
    }

    public static long nonNegativeLong(OtpErlangObject term, String name) throws RequestException {
        if (term instanceof OtpErlangLong l && l.isLong() && l.longValue() >= 0) {
            return l.longValue();
        }
        throw RequestException.badArgument(name);
    }

    /**
     * Text given as a UTF-8 binary or as an Erlang string. Invalid UTF-8, code points out of range
     * and NUL characters are refused: RocksDB paths cannot carry them.
     */
    public static String text(OtpErlangObject term, String name) throws RequestException {
        String s = textOrNull(term);
        if (s == null || s.indexOf('\0') >= 0) {
            throw RequestException.badPath(name);
        }
        return s;
    }

    /**
     * Text that is not a path (backup metadata given as a string), read as {@link #text} reads
     * it; refused as a bad argument, {@code {bad_argument, Name}}.
     */
    public static String string(OtpErlangObject term, String name) throws RequestException {
        String s = textOrNull(term);
        if (s == null || s.indexOf('\0') >= 0) {
            throw RequestException.badArgument(name);
        }
        return s;
    }

    private static String textOrNull(OtpErlangObject term) {
        if (term instanceof OtpErlangBinary b) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b.binaryValue()))
                        .toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }
        if (term instanceof OtpErlangString s) {
            return s.stringValue();
        }
        if (term instanceof OtpErlangList l) {
            for (OtpErlangObject e : l.elements()) {
                if (e instanceof OtpErlangLong cp && cp.isLong() && cp.longValue() >= 0xD800 && cp.longValue() <= 0xDFFF) {
                    return null; // a lone surrogate is not a character; Erlang refuses it too
                }
            }
            try {
                return l.stringValue();
            } catch (Exception e) {
                return null;
            }
        }
        return null;
    }

    /**
     * A printable summary of a term for log lines: at most {@code 200} characters, and never
     * deeper than a few levels, so a hostile term cannot exhaust the stack or the log.
     */
    static String abbreviate(OtpErlangObject term) {
        StringBuilder sb = new StringBuilder();
        abbreviate(term, 0, sb);
        return sb.length() > 200 ? sb.substring(0, 200) + "..." : sb.toString();
    }

    private static void abbreviate(OtpErlangObject term, int depth, StringBuilder sb) {
        if (sb.length() > 200) {
            return;
        }
        if (depth > 4) {
            sb.append("...");
        } else if (term instanceof OtpErlangTuple t) {
            sb.append('{');
            elementsOf(t.elements(), depth, sb);
            sb.append('}');
        } else if (term instanceof OtpErlangList l) {
            sb.append('[');
            elementsOf(l.elements(), depth, sb);
            sb.append(l.getLastTail() == null ? "]" : "|...]");
        } else if (term instanceof com.ericsson.otp.erlang.OtpErlangMap m) {
            sb.append("#{").append(m.arity()).append(" keys}");
        } else if (term instanceof OtpErlangBinary b) {
            sb.append("<<").append(b.size()).append(" bytes>>");
        } else {
            String s = String.valueOf(term);
            sb.append(s.length() > 80 ? s.substring(0, 80) + "..." : s);
        }
    }

    private static void elementsOf(OtpErlangObject[] es, int depth, StringBuilder sb) {
        for (int i = 0; i < es.length && sb.length() <= 200; i++) {
            if (i > 0) {
                sb.append(',');
            }
            abbreviate(es[i], depth + 1, sb);
        }
    }

    /** The elements of a proper list; an Erlang string is a list of small integers. */
    public static List<OtpErlangObject> elements(OtpErlangObject term, String name) throws RequestException {
        if (term instanceof OtpErlangList l && l.isProper()) {
            return List.of(l.elements());
        }
        if (term instanceof OtpErlangString s) {
            List<OtpErlangObject> out = new ArrayList<>();
            s.stringValue().codePoints().forEach(cp -> out.add(integer(cp)));
            return out;
        }
        throw RequestException.badArgument(name);
    }
}
