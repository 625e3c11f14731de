package io.rocksdbjnode.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Terms.abbreviate: log summaries of hostile terms, bounded in length and depth. */
class TermsAbbreviateTest {
    private static OtpErlangAtom a(String name) {
        return new OtpErlangAtom(name);
    }

    private static OtpErlangTuple t(OtpErlangObject... es) {
        return new OtpErlangTuple(es);
    }

    private static OtpErlangList ones(int n) {
        OtpErlangObject[] es = new OtpErlangObject[n];
        Arrays.fill(es, new OtpErlangLong(1));
        return new OtpErlangList(es);
    }

    @Test
    void smallTermsAreShownWhole() {
        OtpErlangMap map = new OtpErlangMap(new OtpErlangObject[] {a("k1"), a("k2")}, new OtpErlangObject[] {a("v"), a("v")});
        assertEquals("{ok,[1,2],#{2 keys},<<3 bytes>>,[]}", Terms.abbreviate(t(a("ok"),
                new OtpErlangList(new OtpErlangObject[] {new OtpErlangLong(1), new OtpErlangLong(2)}),
                map, new OtpErlangBinary(new byte[3]), new OtpErlangList())));
    }

    @Test
    void anImproperListShowsItsTailAsDots() throws Exception {
        assertEquals("[a|...]", Terms.abbreviate(new OtpErlangList(new OtpErlangObject[] {a("a")}, a("b"))));
    }

    @Test
    void nestingDeeperThanFourLevelsIsDots() {
        OtpErlangObject term = a("x");
        for (int i = 0; i < 6; i++) {
            term = t(term);
        }
        assertEquals("{{{{{...}}}}}", Terms.abbreviate(term));
        assertEquals("{{{{x}}}}", Terms.abbreviate(t(t(t(t(a("x")))))));
    }

    @Test
    void aLongLeafIsCutAtEightyCharacters() {
        String eighty = "a".repeat(80);
        assertEquals(eighty, Terms.abbreviate(a(eighty)));
        assertEquals(eighty + "...", Terms.abbreviate(a(eighty + "b")));
    }

    @Test
    void aSummaryOfUpToTwoHundredCharactersIsWhole() {
        // [1,1,...,1] of n ones is 2n+1 characters; a last element 10 makes it 2n+2.
        OtpErlangObject[] es = ones(99).elements();
        es[98] = new OtpErlangLong(10);
        String exactly200 = Terms.abbreviate(new OtpErlangList(es));
        assertEquals(200, exactly200.length());
        assertEquals("[" + "1,".repeat(98) + "10]", exactly200);
        String of199 = Terms.abbreviate(ones(99));
        assertEquals("[" + "1,".repeat(98) + "1]", of199);
    }

    @Test
    void aLongerSummaryIsCutAtTwoHundredCharacters() {
        String cut = Terms.abbreviate(ones(1000));
        assertEquals(("[" + "1,".repeat(100)).substring(0, 200) + "...", cut);
        // A tuple of long lists stops listing once the summary is long enough.
        String nested = Terms.abbreviate(t(ones(150), ones(150), ones(150)));
        assertEquals(("{[" + "1,".repeat(100)).substring(0, 200) + "...", nested);
    }
}
