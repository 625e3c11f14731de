package io.rocksdbjnode.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The request table: shorter arities filled in and routed to the full one, arity errors, the described table. */
class RoutesTest {
    private static OtpErlangAtom a(String s) {
        return new OtpErlangAtom(s);
    }

    @Test
    void shorterFormsFillInDefaultsAndReachTheFullHandlerOnItsPool() throws Exception {
        AtomicReference<Request> seen = new AtomicReference<>();
        Routes routes = new Routes()
                .add("restore", 4, Routes.Pool.LONG, r -> {
                    seen.set(r);
                    return a("ok");
                })
                .withoutOptions("restore", 4)
                .shorter("restore", 2, "restore", 4, args -> Routes.append(args, args[1], Routes.NO_OPTIONS))
                .shorter("seed_restore", 3, "restore", 4, args -> Routes.append(args, Routes.NO_OPTIONS));
        Routes.Route two = routes.find("restore", 2);
        assertEquals(Routes.Pool.LONG, two.pool());
        two.handler().handle(new Request(null, null, "restore", new OtpErlangObject[] {a("e"), a("dir")}));
        assertEquals("restore", seen.get().name());
        assertArrayEquals(new OtpErlangObject[] {a("e"), a("dir"), a("dir"), Routes.NO_OPTIONS}, seen.get().args());
        routes.find("seed_restore", 3).handler().handle(
                new Request(null, null, "seed_restore", new OtpErlangObject[] {a("e"), a("db"), a("wal")}));
        assertEquals("restore", seen.get().name());
        assertArrayEquals(new OtpErlangObject[] {a("e"), a("db"), a("wal"), Routes.NO_OPTIONS}, seen.get().args());
    }

    @Test
    void anArityNotServedListsTheAcceptedOnes() {
        Routes routes = new Routes().add("verify", 3, Routes.Pool.LONG, r -> a("ok")).withoutOptions("verify", 3);
        RequestException e = assertThrows(RequestException.class, () -> routes.find("verify", 4));
        assertEquals("{error,{badarg,{arity,verify,4,[2,3]}}}", e.reply().toString());
        RequestException unknown = assertThrows(RequestException.class, () -> routes.find("nope", 1));
        assertEquals("{error,{unknown_request,nope}}", unknown.reply().toString());
    }

    @Test
    void aShorterFormNeedsItsTarget() {
        assertThrows(IllegalStateException.class, () -> new Routes().withoutOptions("missing", 2));
    }

    @Test
    void describeListsEveryNameAndArityWithItsPool() {
        Routes routes = new Routes().add("get", 3, Routes.Pool.QUICK, r -> a("ok"))
                .add("backup", 3, Routes.Pool.LONG, r -> a("ok")).withoutOptions("backup", 3);
        assertEquals("[{backup,2,long},{backup,3,long},{get,3,quick}]", routes.describe().toString());
    }
}
