package io.rocksdbjnode.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An async request answers early; what its handler returns then goes to its completion. */
class AnswerTest {
    @Test
    void earlyAnswerThenCompletion() throws Exception {
        List<OtpErlangObject> sent = new ArrayList<>();
        List<OtpErlangObject> completed = new ArrayList<>();
        Request.Answer answer = new Request.Answer(sent::add);
        Routes routes = new Routes()
                .add("job", 2, Routes.Pool.LONG, r -> {
                    r.answerNow(Terms.ok(Terms.atom("ref")), completed::add);
                    return Terms.atom("finished");
                })
                .withoutOptions("job", 2);
        // The shorter form shares the call's answer.
        OtpErlangObject outcome = routes.find("job", 1).handler()
                .handle(new Request(null, null, "job", new OtpErlangObject[] {Terms.atom("x")}, answer));
        assertEquals(List.of(Terms.ok(Terms.atom("ref"))), sent);
        assertTrue(answer.completes(outcome));
        assertEquals(List.of(Terms.atom("finished")), completed);
        assertThrows(IllegalStateException.class, () -> answer.now(Terms.OK, completed::add));
    }

    @Test
    void withoutAnEarlyAnswerTheOutcomeIsTheReply() {
        Request.Answer answer = new Request.Answer(r -> {
            throw new AssertionError("nothing is sent early");
        });
        assertNull(answer.early());
        assertFalse(answer.completes(Terms.OK));
    }

    @Test
    void errorsAreCountedAsFailed() {
        RequestStats stats = new RequestStats();
        stats.started();
        stats.ended("get", Terms.atom("not_found"));
        stats.started();
        stats.ended("get", Terms.tuple(Terms.ERROR, Terms.atom("x")));
        stats.answered("ping", Terms.atom("pong"));
        assertEquals(new RequestStats.Counts(2, 1), stats.byName().get("get"));
        assertEquals(new RequestStats.Counts(1, 0), stats.byName().get("ping"));
        assertEquals(0, stats.inFlight());
    }
}
