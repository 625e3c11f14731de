package io.rocksdbjnode.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangDouble;
import com.ericsson.otp.erlang.OtpErlangException;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The term codec: what request arguments decode to, and the badarg replies for what they cannot. */
class TermsTest {

    // ---- helpers -------------------------------------------------------------------------

    private static OtpErlangAtom a(String name) {
        return new OtpErlangAtom(name);
    }

    private static OtpErlangTuple t(OtpErlangObject... es) {
        return new OtpErlangTuple(es);
    }

    private static OtpErlangList l(OtpErlangObject... es) {
        return new OtpErlangList(es);
    }

    private static OtpErlangLong n(long v) {
        return new OtpErlangLong(v);
    }

    private static OtpErlangBinary bin(byte... bytes) {
        return new OtpErlangBinary(bytes);
    }

    /** {@code {error, {badarg, Detail}}}. */
    private static OtpErlangObject badarg(OtpErlangObject detail) {
        return t(a("error"), t(a("badarg"), detail));
    }

    private static OtpErlangObject badPath(String name) {
        return badarg(t(a("bad_path"), a(name)));
    }

    private static OtpErlangObject badArgument(String name) {
        return badarg(t(a("bad_argument"), a(name)));
    }

    private interface Decode {
        Object run() throws RequestException;
    }

    private static void assertReply(OtpErlangObject expected, Decode d) {
        RequestException e = assertThrows(RequestException.class, d::run);
        assertEquals(expected, e.reply());
    }

    /** An Erlang charlist as JInterface decodes one with code points above 255: a list of integers. */
    private static OtpErlangList codePoints(int... cps) {
        OtpErlangObject[] es = new OtpErlangObject[cps.length];
        for (int i = 0; i < cps.length; i++) {
            es[i] = n(cps[i]);
        }
        return new OtpErlangList(es);
    }

    // ---- text ----------------------------------------------------------------------------

    @Test
    void validUtf8BinaryDecodesToText() throws Exception {
        String s = "/tmp/caf\u00e9/\u65e5\u672c/\ud83d\ude00";
        assertEquals(s, Terms.text(new OtpErlangBinary(s.getBytes(UTF_8)), "path"));
    }

    @Test
    void emptyBinaryIsEmptyText() throws Exception {
        assertEquals("", Terms.text(bin(), "path"));
    }

    @Test
    void invalidUtf8BinaryIsBadPath() {
        assertReply(badPath("path"), () -> Terms.text(bin((byte) '/', (byte) 0xC3, (byte) 0x28), "path"));
        assertReply(badPath("db_dir"), () -> Terms.text(bin((byte) 0xFF), "db_dir"));
        // An encoded surrogate is not UTF-8 either.
        assertReply(badPath("path"), () -> Terms.text(bin((byte) 0xED, (byte) 0xA0, (byte) 0x80), "path"));
        // Truncated multibyte sequence.
        assertReply(badPath("path"), () -> Terms.text(bin((byte) '/', (byte) 0xE6, (byte) 0x97), "path"));
    }

    @Test
    void nulIsRefusedInBinariesAndCharlists() {
        assertReply(badPath("path"), () -> Terms.text(bin((byte) '/', (byte) 'a', (byte) 0, (byte) 'b'), "path"));
        assertReply(badPath("path"), () -> Terms.text(new OtpErlangString("/a\u0000b"), "path"));
        assertReply(badPath("path"), () -> Terms.text(codePoints('/', 0x65e5, 0), "path"));
    }

    @Test
    void latin1CharlistDecodesToText() throws Exception {
        // Erlang sends a list of small integers as STRING_EXT, which JInterface decodes as OtpErlangString.
        assertEquals("/tmp/x\u00e9", Terms.text(new OtpErlangString("/tmp/x\u00e9"), "path"));
    }

    @Test
    void unicodeCharlistAsIntegerListDecodesToText() throws Exception {
        assertEquals("/\u65e5\ud83d\ude00", Terms.text(codePoints('/', 0x65e5, 0x1F600), "path"));
    }

    @Test
    void emptyListIsEmptyText() throws Exception {
        assertEquals("", Terms.text(new OtpErlangList(), "path"));
    }

    @Test
    void charlistOutOfRangeOrNotIntegersIsBadPath() throws Exception {
        assertReply(badPath("path"), () -> Terms.text(codePoints('/', 0x110000), "path"));
        assertReply(badPath("path"), () -> Terms.text(codePoints('/', -1), "path"));
        assertReply(badPath("path"), () -> Terms.text(l(n('/'), a("x")), "path"));
        assertReply(badPath("path"), () -> Terms.text(l(n('/'), bin((byte) 'a')), "path"));
        OtpErlangList improper = new OtpErlangList(new OtpErlangObject[] {n('/'), n('a')}, n('b'));
        assertReply(badPath("path"), () -> Terms.text(improper, "path"));
        OtpErlangList bignum = l(n('/'), new OtpErlangLong(BigInteger.ONE.shiftLeft(80)));
        assertReply(badPath("path"), () -> Terms.text(bignum, "path"));
    }

    /** A lone surrogate is no more a character in a charlist than in a UTF-8 binary (which the decoder refuses). */
    @Test
    void charlistWithALoneSurrogateIsBadPath() {
        assertReply(badPath("path"), () -> Terms.text(codePoints('/', 0xD800, 'x'), "path"));
    }

    @Test
    void nonTextTermsAreBadPath() {
        assertReply(badPath("path"), () -> Terms.text(a("tmp"), "path"));
        assertReply(badPath("path"), () -> Terms.text(n(47), "path"));
        assertReply(badPath("wal_dir"), () -> Terms.text(t(bin((byte) '/')), "wal_dir"));
    }

    // ---- integers ------------------------------------------------------------------------

    @Test
    void nonNegativeIntAcceptsZeroToIntMax() throws Exception {
        assertEquals(0, Terms.nonNegativeInt(n(0), "backup_id"));
        assertEquals(7, Terms.nonNegativeInt(n(7), "backup_id"));
        assertEquals(Integer.MAX_VALUE, Terms.nonNegativeInt(n(Integer.MAX_VALUE), "backup_id"));
    }

    @Test
    void nonNegativeIntRefusesNegatives() {
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(n(-1), "backup_id"));
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(n(Integer.MIN_VALUE), "backup_id"));
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(n(Long.MIN_VALUE), "backup_id"));
    }

    @Test
    void nonNegativeIntRefusesValuesAboveIntMax() {
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(n(1L << 31), "backup_id"));
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(n(Long.MAX_VALUE), "backup_id"));
    }

    @Test
    void nonNegativeIntRefusesBignums() {
        OtpErlangLong big = new OtpErlangLong(BigInteger.ONE.shiftLeft(70));
        OtpErlangLong u64max = new OtpErlangLong(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
        OtpErlangLong negBig = new OtpErlangLong(BigInteger.ONE.shiftLeft(70).negate());
        assertFalse(big.isLong());
        assertReply(badArgument("num_backups_to_keep"), () -> Terms.nonNegativeInt(big, "num_backups_to_keep"));
        assertReply(badArgument("num_backups_to_keep"), () -> Terms.nonNegativeInt(u64max, "num_backups_to_keep"));
        assertReply(badArgument("num_backups_to_keep"), () -> Terms.nonNegativeInt(negBig, "num_backups_to_keep"));
    }

    @Test
    void nonNegativeIntRefusesNonIntegers() {
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(new OtpErlangDouble(1.0), "backup_id"));
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(a("one"), "backup_id"));
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(bin((byte) 1), "backup_id"));
        assertReply(badArgument("backup_id"), () -> Terms.nonNegativeInt(new OtpErlangString("1"), "backup_id"));
    }

    @Test
    void nonNegativeLongTakesTheWholeLongRangeButNoBignum() throws Exception {
        assertEquals(Long.MAX_VALUE, Terms.nonNegativeLong(n(Long.MAX_VALUE), "size"));
        OtpErlangLong twoTo63 = new OtpErlangLong(BigInteger.ONE.shiftLeft(63));
        assertReply(badArgument("size"), () -> Terms.nonNegativeLong(twoTo63, "size"));
        assertReply(badArgument("size"), () -> Terms.nonNegativeLong(n(-5), "size"));
    }

    // ---- booleans ------------------------------------------------------------------------

    @Test
    void booleansAreTheAtomsTrueAndFalse() throws Exception {
        assertTrue(Terms.bool(a("true"), "sync"));
        assertFalse(Terms.bool(a("false"), "sync"));
    }

    @Test
    void anythingElseIsNotABoolean() {
        assertReply(badArgument("sync"), () -> Terms.bool(a("yes"), "sync"));
        assertReply(badArgument("sync"), () -> Terms.bool(n(1), "sync"));
        assertReply(badArgument("sync"), () -> Terms.bool(bin("true".getBytes(UTF_8)), "sync"));
        assertReply(badArgument("sync"), () -> Terms.bool(new OtpErlangString("true"), "sync"));
    }

    // ---- Option.parse --------------------------------------------------------------------

    @Test
    void bareAtomMeansKeyTrue() throws Exception {
        List<Option> opts = Option.parse(l(a("create_if_missing")), "options");
        assertEquals(1, opts.size());
        assertEquals("create_if_missing", opts.get(0).key());
        assertEquals(List.of(a("true")), opts.get(0).values());
        assertTrue(opts.get(0).bool());
        assertEquals(a("create_if_missing"), opts.get(0).raw());
    }

    @Test
    void twoTupleIsKeyAndValue() throws Exception {
        OtpErlangTuple raw = t(a("max_open_files"), n(42));
        List<Option> opts = Option.parse(l(raw), "options");
        assertEquals("max_open_files", opts.get(0).key());
        assertEquals(List.of(n(42)), opts.get(0).values());
        assertEquals(n(42), opts.get(0).value());
        assertEquals(raw, opts.get(0).raw());
    }

    @Test
    void threeTupleCarriesBothValues() throws Exception {
        OtpErlangPid pid = new OtpErlangPid("c@127.0.0.1", 1, 0, 1);
        OtpErlangTuple raw = t(a("heir"), pid, a("data"));
        Option o = Option.parse(l(raw), "options").get(0);
        assertEquals("heir", o.key());
        assertEquals(List.of(pid, a("data")), o.values());
        assertEquals(raw, o.raw());
        // A two-value option is not a boolean option.
        assertReply(badArgument("heir"), o::bool);
    }

    @Test
    void optionsKeepTheirOrder() throws Exception {
        List<Option> opts = Option.parse(l(a("sync"), t(a("sync"), a("false")), t(a("fill_cache"), a("true"))), "o");
        assertEquals(List.of("sync", "sync", "fill_cache"), opts.stream().map(Option::key).toList());
        assertTrue(opts.get(0).bool());
        assertFalse(opts.get(1).bool());
    }

    @Test
    void emptyListHasNoOptions() throws Exception {
        assertTrue(Option.parse(new OtpErlangList(), "options").isEmpty());
    }

    @Test
    void improperListIsBadarg() throws OtpErlangException {
        OtpErlangList improper = new OtpErlangList(new OtpErlangObject[] {a("sync")}, a("tail"));
        assertReply(badArgument("write_options"), () -> Option.parse(improper, "write_options"));
    }

    @Test
    void nonListIsBadarg() {
        assertReply(badArgument("options"), () -> Option.parse(a("sync"), "options"));
        assertReply(badArgument("options"), () -> Option.parse(t(a("sync"), a("true")), "options"));
        assertReply(badArgument("options"), () -> Option.parse(bin(), "options"));
        assertReply(badArgument("options"), () -> Option.parse(n(0), "options"));
    }

    @Test
    void elementsThatAreNotPropertiesAreBadarg() {
        assertReply(badArgument("options"), () -> Option.parse(l(n(1)), "options"));
        assertReply(badArgument("options"), () -> Option.parse(l(t(a("sync"))), "options"));
        assertReply(badArgument("options"), () -> Option.parse(l(t(n(1), a("true"))), "options"));
        assertReply(badArgument("options"), () -> Option.parse(l(t()), "options"));
        assertReply(badArgument("options"), () -> Option.parse(l(a("sync"), bin()), "options"));
        // A non-empty Erlang string is a list of integers, none of them a property.
        assertReply(badArgument("options"), () -> Option.parse(new OtpErlangString("ab"), "options"));
    }

    // ---- elements ------------------------------------------------------------------------

    @Test
    void elementsOfAStringAreItsCodePoints() throws Exception {
        assertEquals(List.of(n('a'), n('b'), n(0xe9)), Terms.elements(new OtpErlangString("ab\u00e9"), "x"));
        assertEquals(List.of(n('a'), n(0x1F600)), Terms.elements(new OtpErlangString("a\ud83d\ude00"), "x"));
        assertEquals(List.of(), Terms.elements(new OtpErlangString(""), "x"));
    }

    @Test
    void elementsOfAProperList() throws Exception {
        assertEquals(List.of(a("x"), n(1)), Terms.elements(l(a("x"), n(1)), "x"));
    }
    @Test
    void aNulAnywhereInTextIsRefused() {
        assertReply(badPath("path"), () -> Terms.text(new OtpErlangString("\0/tmp"), "path"));
        assertReply(badPath("path"), () -> Terms.text(new OtpErlangString("/tmp\0"), "path"));
    }

    /** The surrogate range is D800..DFFF inclusive: its ends are refused, their neighbours taken. */
    @Test
    void theEndsOfTheSurrogateRangeAreRefused() throws Exception {
        assertReply(badPath("path"), () -> Terms.text(codePoints('/', 0xD800), "path"));
        assertReply(badPath("path"), () -> Terms.text(codePoints('/', 0xDFFF), "path"));
        assertEquals("/" + new String(Character.toChars(0xD7FF)), Terms.text(codePoints('/', 0xD7FF), "path"));
        assertEquals("/" + new String(Character.toChars(0xE000)), Terms.text(codePoints('/', 0xE000), "path"));
    }

    /** Text that is not a path (backup metadata) reads as a path does, but is refused as a bad argument. */
    @Test
    void stringIsTextRefusedAsABadArgument() throws Exception {
        assertEquals("r\u00e9sum\u00e9", Terms.string(new OtpErlangString("r\u00e9sum\u00e9"), "metadata"));
        assertEquals("x", Terms.string(new OtpErlangBinary("x".getBytes(UTF_8)), "metadata"));
        assertReply(badArgument("metadata"), () -> Terms.string(n(42), "metadata"));
        assertReply(badArgument("metadata"), () -> Terms.string(bin((byte) 0xFF), "metadata"));
        assertReply(badArgument("metadata"), () -> Terms.string(new OtpErlangString("a\u0000b"), "metadata"));
    }
}
