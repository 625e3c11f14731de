package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's request counters, cheap enough to keep on every request: per request name, how
 * many were answered and how many of those answers were {@code {error, _}}, and how many are
 * running now. Only names the node serves are counted (the routes, and {@code ping}), so the
 * table stays as small as the route table whatever peers send.
 */
public final class RequestStats {
    /** One name's counters. */
    public record Counts(long served, long failed) {}

    private record Adders(LongAdder served, LongAdder failed) {}

    private final Map<String, Adders> byName = new ConcurrentHashMap<>();
    private final LongAdder inFlight = new LongAdder();
    private final LongAdder onReader = new LongAdder();
    private final LongAdder handedOn = new LongAdder();

    void started() {
        inFlight.increment();
    }

    /** A request that {@link #started()} ended with {@code outcome} (its reply, or its completion). */
    void ended(String name, OtpErlangObject outcome) {
        inFlight.decrement();
        answered(name, outcome);
    }

    /** A request answered without running on a pool ({@code ping}). */
    void answered(String name, OtpErlangObject outcome) {
        Adders a = byName.computeIfAbsent(name, k -> new Adders(new LongAdder(), new LongAdder()));
        a.served().increment();
        if (isError(outcome)) {
            a.failed().increment();
        }
    }

    /** A request a connection's reader thread answered itself ({@link Routes.Attempt}). */
    void servedOnReader() {
        onReader.increment();
    }

    /** A request whose reader-thread attempt could not answer it: a quick-pool worker serves it. */
    void handedOn() {
        handedOn.increment();
    }

    /** Requests answered on their connection's reader thread. */
    public long onReader() {
        return onReader.sum();
    }

    /** Requests attempted on their connection's reader thread and then handed to the quick pool. */
    public long handedOnFromReader() {
        return handedOn.sum();
    }

    /** The requests running now (on either pool; an async call until its completion). */
    public long inFlight() {
        return inFlight.sum();
    }

    /** Per name, sorted: answered, and answered {@code {error, _}}. */
    public Map<String, Counts> byName() {
        Map<String, Counts> out = new TreeMap<>();
        byName.forEach((name, a) -> out.put(name, new Counts(a.served().sum(), a.failed().sum())));
        return out;
    }

    /** Whether a reply is an error: {@code {error, _}} (or no reply at all). */
    static boolean isError(OtpErlangObject outcome) {
        return outcome == null
                || outcome instanceof OtpErlangTuple t && t.arity() == 2 && Terms.ERROR.equals(t.elementAt(0));
    }
}
