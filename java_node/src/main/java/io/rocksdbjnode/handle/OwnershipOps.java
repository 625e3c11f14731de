package io.rocksdbjnode.handle;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import io.rocksdbjnode.wire.Option;
import io.rocksdbjnode.wire.Outbox;
import io.rocksdbjnode.wire.Request;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Routes;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * Handles belong to Erlang processes, as ETS tables do: {@code give_away}, {@code set_heir}, and
 * what happens when an owner exits ({@code owner_down}, sent by the client's watcher) or its whole
 * node disconnects (seen by the Java node itself).
 *
 * <p>A handle passes only to a pid the node can tell about it, one whose node is connected to
 * this one (the node never dials): {@code give_away} to any other is refused and leaves the owner
 * as it was, and an heir on such a node counts as gone when the owner exits, so the handle is
 * closed, as ETS deletes a table whose heir is dead.
 */
public final class OwnershipOps {
    private static final Logger LOG = Logger.getLogger(OwnershipOps.class.getName());
    private static final OtpErlangAtom TRANSFER = Terms.atom("ROCKSDB-TRANSFER");

    private final HandleTable table;
    private final Outbox outbox;
    private final Executor closer;

    /**
     * @param closer runs the closes an owner's exit causes, off the request's thread: they wait
     *     for the handles' requests in flight, which may be long ones.
     */
    public OwnershipOps(HandleTable table, Outbox outbox, Executor closer) {
        this.table = table;
        this.outbox = outbox;
        this.closer = closer;
    }

    public void register(Routes routes) {
        routes.add("give_away", 3, Routes.Pool.QUICK, this::giveAway)
                .add("give_away", 4, Routes.Pool.QUICK, this::giveAway)
                .add("set_heir", 3, Routes.Pool.QUICK, this::setHeir)
                .add("set_heir", 4, Routes.Pool.QUICK, this::setHeir)
                // Quick: an owner's exit must not wait behind backups; its closes run on closer.
                .add("owner_down", 1, Routes.Pool.QUICK, this::ownerDown)
                .add("owners", 1, Routes.Pool.QUICK, this::owners);
    }

    /**
     * {@code {give_away, Handle, Pid, GiftData [, Opts]}}: the new owner is told with a
     * ROCKSDB-TRANSFER message. Refused with {@code {badarg, {not_connected, Node}}} when the
     * message cannot reach {@code Pid}; the owner is then unchanged.
     */
    OtpErlangObject giveAway(Request r) throws RequestException {
        Handle h = table.lookup(r.arg(0), "handle");
        OtpErlangPid to = Terms.pid(r.arg(1), "pid");
        OtpErlangPid caller = caller(r, 3);
        synchronized (h) {
            requireOwner(h, caller);
            if (!outbox.reaches(to)) {
                throw notConnected(to);
            }
            h.setOwner(to);
        }
        Outbox.Delivery sent = outbox.send(to, Terms.tuple(TRANSFER, h.ref(), caller, r.arg(2)));
        if (sent == Outbox.Delivery.SENT) {
            return Terms.OK;
        }
        // The connection went away (or the gift cannot be encoded) after the check: undo.
        synchronized (h) {
            if (to.equals(h.owner())) {
                h.setOwner(caller);
            }
        }
        throw sent == Outbox.Delivery.NOT_ENCODABLE ? RequestException.badArgument("gift_data") : notConnected(to);
    }

    /** {@code {set_heir, Handle, Pid | none, HeirData [, Opts]}}. */
    OtpErlangObject setHeir(Request r) throws RequestException {
        Handle h = table.lookup(r.arg(0), "handle");
        OtpErlangPid heir = "none".equals(Terms.atomName(r.arg(1))) ? null : Terms.pid(r.arg(1), "heir");
        OtpErlangPid caller = caller(r, 3);
        synchronized (h) {
            requireOwner(h, caller);
            h.setHeir(heir, heir == null ? null : r.arg(2));
        }
        return Terms.OK;
    }

    /**
     * {@code {owner_down, Pid}}: the handles {@code Pid} owned pass to their heirs, or are closed.
     * Replies {@code {ok, [{Handle, Heir}]}} so the watcher can watch the heirs, at once: the
     * handles to close are out of the table when it replies, and their native closes (which wait
     * for requests in flight) follow on {@code closer}.
     */
    OtpErlangObject ownerDown(Request r) throws RequestException {
        OtpErlangPid gone = Terms.pid(r.arg(0), "pid");
        List<OtpErlangObject> inherited = new ArrayList<>();
        for (Handle h : table.ownedBy(gone)) {
            OtpErlangPid heir;
            OtpErlangObject data;
            boolean inherits;
            synchronized (h) {
                heir = h.heir();
                data = h.heirData();
                inherits = heir != null && !heir.equals(gone) && outbox.reaches(heir);
                if (inherits) {
                    h.setOwner(heir);
                    h.setHeir(null, null);
                }
            }
            if (inherits && outbox.send(heir, Terms.tuple(TRANSFER, h.ref(), gone, data)) == Outbox.Delivery.SENT) {
                inherited.add(Terms.tuple(h.ref(), heir));
                continue;
            }
            String why = heir == null || heir.equals(gone) ? ""
                    : " and its heir " + heir + " cannot be told: node " + heir.node() + " is not connected";
            Runnable close = table.takeOut(h);
            if (close != null) {
                closer.execute(() -> {
                    close.run();
                    LOG.info(() -> "closed " + h.kind().atom + " " + h.ref() + ": its owner " + gone + " exited" + why);
                });
            }
        }
        return Terms.ok(Terms.list(inherited));
    }

    /** {@code {owners, Node}}: the distinct owners on an Erlang node, for the watcher's resync. */
    OtpErlangObject owners(Request r) throws RequestException {
        String node = Terms.atomName(r.arg(0));
        if (node == null) {
            throw RequestException.badArgument("node");
        }
        Set<OtpErlangPid> pids = new LinkedHashSet<>();
        for (Handle h : table.ownedOnNode(node)) {
            pids.add(h.owner());
        }
        return Terms.ok(Terms.list(new ArrayList<>(pids)));
    }

    /** The Erlang node {@code node} disconnected: everything its processes owned is closed. */
    public void nodeDown(String node) {
        for (Handle h : table.ownedOnNode(node)) {
            if (table.close(h)) {
                LOG.info(() -> "closed " + h.kind().atom + " " + h.ref() + ": node " + node + " disconnected");
            }
        }
    }

    /** The options of give_away and set_heir: the client's {@code {owner, Pid}}, others ignored. */
    private static final Option.Reader CALLER_OPTIONS = Option.Reader.open().key("owner", o -> {
        o.expectArity(1);
        return Terms.pid(o.value(), "owner");
    });

    private static OtpErlangPid caller(Request r, int optsIndex) throws RequestException {
        if (r.arity() <= optsIndex) {
            return r.from();
        }
        return CALLER_OPTIONS.read(r.arg(optsIndex), "options").get("owner", OtpErlangPid.class, r.from());
    }

    private static RequestException notConnected(OtpErlangPid to) {
        return RequestException.notConnected(to.node());
    }

    private static void requireOwner(Handle h, OtpErlangPid caller) throws RequestException {
        if (!caller.equals(h.owner())) {
            throw RequestException.notOwner(h.ref());
        }
    }
}
