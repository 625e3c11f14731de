package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpErlangObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The dispatch table: request name and arity to handler, and which thread pool runs it.
 * {@link Pool#QUICK} requests never wait on long work; everything that may (opening, closing,
 * backups, restores, verification) runs on {@link Pool#LONG}.
 */
final class Routes {
    enum Pool { QUICK, LONG }

    @FunctionalInterface
    interface Handler {
        OtpErlangObject handle(Request r) throws Exception;
    }

    record Route(Pool pool, Handler handler) {}

    private final Map<String, Map<Integer, Route>> routes = new HashMap<>();

    Routes add(String name, int arity, Pool pool, Handler handler) {
        routes.computeIfAbsent(name, k -> new HashMap<>()).put(arity, new Route(pool, handler));
        return this;
    }

    /** The route for a request, or a {@link RequestException} saying the request is unknown or has the wrong arity. */
    Route find(String name, int arity) throws RequestException {
        Map<Integer, Route> byArity = routes.get(name);
        if (byArity == null) {
            throw RequestException.error(Terms.tuple(Terms.atom("unknown_request"), Terms.atom(name)));
        }
        Route r = byArity.get(arity);
        if (r == null) {
            throw RequestException.badarg(Terms.tuple(Terms.atom("arity"), Terms.atom(name), Terms.integer(arity)));
        }
        return r;
    }
}
