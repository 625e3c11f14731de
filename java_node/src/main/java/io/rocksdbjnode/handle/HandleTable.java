package io.rocksdbjnode.handle;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.rocksdbjnode.wire.RequestException;
import io.rocksdbjnode.wire.Terms;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The registry of handles: node-minted references to the {@link Handle}s they name. A lookup of a
 * reference the node never minted or one already closed fails with a {@code badarg} reply; the
 * kinds of handle are the business of their packages' typed lookups. Removing an entry comes
 * before closing its native object, so no new request can reach a handle that is being closed.
 *
 * <p>No lock of its own: the map and the memory of closed references are concurrent collections,
 * and the order of the steps in {@link #takeOut} is what makes a racing lookup see "closed".
 */
public final class HandleTable {
    /** How many closed references are remembered to tell "closed" from "unknown". */
    static final int CLOSED_MEMORY = 100_000;

    private final Map<OtpErlangRef, Handle> live = new ConcurrentHashMap<>();
    private final Set<OtpErlangRef> closed = Collections.newSetFromMap(
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<OtpErlangRef, Boolean> eldest) {
                    return size() > CLOSED_MEMORY;
                }
            }));
    private final Supplier<OtpErlangRef> mint;

    public HandleTable(Supplier<OtpErlangRef> mint) {
        this.mint = mint;
    }

    /** Mints a reference, builds the handle for it and makes it visible to requests. */
    public <H extends Handle> H add(Function<OtpErlangRef, H> make) {
        H handle = make.apply(mint.get());
        handle.attach(this);
        live.put(handle.ref(), handle);
        return handle;
    }

    /**
     * Adds a child made while its parent is leased. When the parent began closing meanwhile, the
     * child's native object is freed at once and the add fails with the parent's
     * {@code closed_handle}.
     */
    public <H extends Handle> H addChild(Function<OtpErlangRef, H> make) throws RequestException {
        H handle = make.apply(mint.get());
        handle.attach(this);
        try {
            handle.parent().adopt(handle);
        } catch (RequestException parentClosing) {
            handle.close();
            throw parentClosing;
        }
        live.put(handle.ref(), handle);
        return handle;
    }

    /**
     * The handle of class {@code type} that {@code term} names: {@code badarg} with
     * {@code unknown_handle}, {@code closed_handle} or {@code wrong_handle_kind}.
     */
    public <H extends Handle> H lookup(OtpErlangObject term, String argName, Class<H> type, Handle.Kind kind)
            throws RequestException {
        Handle h = lookup(term, argName);
        if (type.isInstance(h)) {
            return type.cast(h);
        }
        throw RequestException.wrongHandleKind(h.ref(), kind.atom);
    }

    /** The handle {@code term} names; {@code argName} names the argument in badarg replies. */
    public Handle lookup(OtpErlangObject term, String argName) throws RequestException {
        OtpErlangRef ref = Terms.ref(term, argName);
        Handle h = live.get(ref);
        if (h != null) {
            return h;
        }
        throw closed.contains(ref) ? RequestException.closedHandle(ref) : RequestException.unknownHandle(ref);
    }

    /**
     * Whether {@code term} is a reference of a handle that was closed (one of the last
     * {@value #CLOSED_MEMORY} closed), for the requests that accept a closed handle.
     */
    public boolean wasClosed(OtpErlangObject term) {
        return term instanceof OtpErlangRef ref && !live.containsKey(ref) && closed.contains(ref);
    }

    /**
     * Takes the handle out of the table and closes it (waiting for its requests in flight).
     * Returns false when another caller had already taken it out.
     */
    public boolean close(Handle h) {
        Runnable closeNative = takeOut(h);
        if (closeNative == null) {
            return false;
        }
        closeNative.run();
        return true;
    }

    /**
     * Takes the handle out of the table at once and returns the close still to do (which waits
     * for the handle's requests in flight), for a caller that must not wait for it; null when
     * another caller had already taken it out. Until that close has run, the handle keeps its
     * directory claim: an open of it waits ({@link DirectoryClaims#awaitClosed}), a restore or
     * destroy is refused.
     */
    Runnable takeOut(Handle h) {
        if (live.get(h.ref()) != h) {
            return null;
        }
        // Closing is announced and the ref marked closed before the handle leaves the table, so
        // that a racing lookup says closed_handle and a racing open of its directory waits.
        h.takenOut();
        closed.add(h.ref());
        if (!live.remove(h.ref(), h)) {
            return null;
        }
        return h::close;
    }

    List<Handle> ownedBy(OtpErlangPid pid) {
        List<Handle> out = new ArrayList<>();
        for (Handle h : live.values()) {
            if (pid.equals(h.owner())) {
                out.add(h);
            }
        }
        return out;
    }

    /** Handles whose owner lives on the Erlang node {@code node}. */
    List<Handle> ownedOnNode(String node) {
        List<Handle> out = new ArrayList<>();
        for (Handle h : live.values()) {
            OtpErlangPid owner = h.owner();
            if (owner != null && node.equals(owner.node())) {
                out.add(h);
            }
        }
        return out;
    }

    /** The handles in the table. */
    public List<Handle> all() {
        return new ArrayList<>(live.values());
    }

    int size() {
        return live.size();
    }
}
