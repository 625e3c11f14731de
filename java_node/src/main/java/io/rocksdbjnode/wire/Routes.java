package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The one table of requests: per name, the arities it is served at, the defaults a shorter arity
 * implies, and which thread pool runs it. {@link Pool#QUICK} requests never wait on long work;
 * everything that may (opening, closing, backups, restores, verification) runs on
 * {@link Pool#LONG}.
 *
 * <p>The rule (issue 10): a request is {@code {Function, Arg1, ..., ArgN}} with exactly the
 * arguments of the {@code rocksdb:*} function of that name and arity, for every arity the client
 * exports; a shorter arity is served by filling in the defaults, as the client does. The table is
 * also served as the request {@code routes} ({@link #describe()}), which the client's table of
 * long calls and the protocol document are checked against.
 */
public final class Routes {
    public enum Pool { QUICK, LONG }

    @FunctionalInterface
    public interface Handler {
        OtpErlangObject handle(Request r) throws Exception;
    }

    /**
     * A quick request's non-blocking attempt, which a connection's reader thread runs itself
     * before handing the request to the quick pool: it returns the reply, or null when it cannot
     * answer without waiting (data not in memory, a write RocksDB would stall) or at all (a
     * malformed or failing request), and must then have changed nothing, so that the pool can
     * serve the request from the start. It never blocks and never throws.
     */
    @FunctionalInterface
    public interface Attempt {
        OtpErlangObject attempt(Request r);
    }

    /**
     * How a request of one name and arity is served: its pool, its handler, and the attempt the
     * reader thread makes first (null: none).
     */
    record Route(Pool pool, Handler handler, Attempt attempt) {}

    /** The empty option list a shorter arity defaults to. */
    public static final OtpErlangList NO_OPTIONS = new OtpErlangList();

    private final Map<String, Map<Integer, Route>> routes = new TreeMap<>();

    /** Serves {@code name} at {@code arity} with {@code handler} on {@code pool}. */
    public Routes add(String name, int arity, Pool pool, Handler handler) {
        routes.computeIfAbsent(name, k -> new TreeMap<>()).put(arity, new Route(pool, handler, null));
        return this;
    }

    /**
     * Gives the quick request {@code name}/{@code arity}, already added, a non-blocking
     * {@code attempt} (see {@link Attempt}).
     */
    public Routes attempt(String name, int arity, Attempt attempt) {
        Route r = routes.getOrDefault(name, Map.of()).get(arity);
        if (r == null || r.pool() != Pool.QUICK) {
            throw new IllegalStateException(
                    name + "/" + arity + " must be added, as a quick request, before its attempt");
        }
        routes.get(name).put(arity, new Route(r.pool(), r.handler(), attempt));
        return this;
    }

    /**
     * Serves {@code name} at {@code arity} as the already added {@code target} at
     * {@code targetArity}, the arguments filled in by {@code defaults} (which gets the shorter
     * form's arguments and returns the target's).
     */
    public Routes shorter(String name, int arity, String target, int targetArity, UnaryOperator<OtpErlangObject[]> defaults) {
        Route full = routes.getOrDefault(target, Map.of()).get(targetArity);
        if (full == null) {
            throw new IllegalStateException(target + "/" + targetArity + " must be added before " + name + "/" + arity);
        }
        return add(name, arity, full.pool(), r -> {
            OtpErlangObject[] args = defaults.apply(r.args());
            if (args.length != targetArity) {
                throw new IllegalStateException(name + "/" + arity + " filled in " + args.length + " arguments");
            }
            return full.handler().handle(r.as(target, args));
        });
    }

    /** The same name at a shorter arity, its missing trailing argument the empty option list. */
    public Routes withoutOptions(String name, int arity) {
        return shorter(name, arity - 1, name, arity, a -> append(a, NO_OPTIONS));
    }

    /** {@code args} followed by {@code more}. */
    public static OtpErlangObject[] append(OtpErlangObject[] args, OtpErlangObject... more) {
        OtpErlangObject[] out = new OtpErlangObject[args.length + more.length];
        System.arraycopy(args, 0, out, 0, args.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }

    /**
     * The route for a request, or a {@link RequestException}: {@code {unknown_request, Name}}, or
     * {@code {badarg, {arity, Name, Given, Accepted}}} with the arities it is served at.
     */
    Route find(String name, int arity) throws RequestException {
        Map<Integer, Route> byArity = routes.get(name);
        if (byArity == null) {
            throw RequestException.unknownRequest(name);
        }
        Route r = byArity.get(arity);
        if (r == null) {
            throw RequestException.arity(name, arity, List.copyOf(byArity.keySet()));
        }
        return r;
    }

    /** {@code [{Name, Arity, quick | long}]}, sorted: the table as the {@code routes} request serves it. */
    OtpErlangList describe() {
        List<OtpErlangObject> out = new ArrayList<>();
        routes.forEach((name, byArity) -> byArity.forEach((arity, route) -> out.add(Terms.tuple(
                Terms.atom(name), Terms.integer(arity), Terms.atom(route.pool().name().toLowerCase(java.util.Locale.ROOT))))));
        return Terms.list(out);
    }
}
