package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.AcceptOnlyNode;
import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpOutputStream;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Everything the node sends, replies and transfers alike, from its mailbox. A message to a pid
 * of another node goes only over a connection that node already has with this one: the node
 * never dials, so a pid on an unreachable host costs nothing and holds up nothing.
 */
public final class Outbox {
    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    /** How a send ended. */
    public enum Delivery {
        /** Handed to the connection (or, for a pid of this node, to the local mailbox). */
        SENT,
        /** The pid's node has no connection to this node; nothing was sent. */
        NOT_CONNECTED,
        /** The message cannot be encoded (nested too deep); nothing was sent. */
        NOT_ENCODABLE,
        /** Writing to the connection failed, which closed it. */
        FAILED
    }

    private final AcceptOnlyNode node;
    private final OtpMbox mbox;

    Outbox(AcceptOnlyNode node, OtpMbox mbox) {
        this.node = node;
        this.mbox = mbox;
    }

    /** Whether a message to {@code to} can be delivered now: it is of this node, or its node is connected. */
    public boolean reaches(OtpErlangPid to) {
        return isLocal(to) || node.isConnected(to.node());
    }

    /** Sends {@code msg} to {@code to}; never dials, never throws. Failures other than {@code SENT} are logged. */
    public Delivery send(OtpErlangPid to, OtpErlangObject msg) {
        return send(to, null, msg);
    }

    /**
     * Sends {@code msg} to the process {@code to}, through its alias {@code alias} when that is
     * not null and {@code to} is of another node.
     */
    private Delivery send(OtpErlangPid to, OtpErlangRef alias, OtpErlangObject msg) {
        if (isLocal(to)) {
            try {
                mbox.send(to, msg);
                return Delivery.SENT;
            } catch (RuntimeException | StackOverflowError e) {
                LOG.warning(() -> "could not send to " + to + ": " + e);
                return Delivery.NOT_ENCODABLE;
            }
        }
        OtpOutputStream encoded;
        try {
            encoded = new OtpOutputStream(msg);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.warning(() -> "could not encode a message to " + to + ": " + e);
            return Delivery.NOT_ENCODABLE;
        }
        try {
            boolean sent = alias == null ? node.send(mbox.self(), to, encoded)
                    : node.sendToAlias(mbox.self(), alias, encoded);
            if (sent) {
                return Delivery.SENT;
            }
            LOG.warning(() -> "dropped a message to " + to + ": node " + to.node() + " is not connected");
            return Delivery.NOT_CONNECTED;
        } catch (IOException e) {
            LOG.warning(() -> "could not send to " + to + ": " + e);
            return Delivery.FAILED;
        }
    }

    /**
     * Sends {@code {Tag, Reply}}, the reply to a call that came from {@code to}'s node: that node
     * is connected, or its connection is an instant from being registered (see
     * {@link AcceptOnlyNode#awaitConnected}), so a missing connection is waited for, briefly,
     * before the reply is dropped.
     *
     * <p>A call made by {@code gen_server:call} or {@code send_request} (OTP 24 and later) is
     * tagged {@code [alias | Ref]} (or {@code [[alias | Ref] | _]}): its reply goes to the alias
     * {@code Ref}, as {@code gen_server:reply/2} sends it, so a reply that comes after the caller
     * gave up is dropped by the caller's node instead of landing in its mailbox.
     */
    Delivery reply(OtpErlangPid to, OtpErlangObject tag, OtpErlangObject reply) {
        if (!isLocal(to) && !node.isConnected(to.node())) {
            try {
                node.awaitConnected(to.node(), AcceptOnlyNode.REGISTRATION_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return send(to, aliasOf(tag, to), Terms.tuple(tag, reply));
    }

    /** The alias a call's tag names, if it names one of {@code to}'s node. */
    static OtpErlangRef aliasOf(OtpErlangObject tag, OtpErlangPid to) {
        if (tag instanceof OtpErlangList l && !l.isProper() && l.arity() == 1) {
            OtpErlangObject head = l.elementAt(0);
            OtpErlangObject tail = l.getLastTail();
            if (head instanceof OtpErlangAtom a && a.atomValue().equals("alias")
                    && tail instanceof OtpErlangRef ref && ref.node().equals(to.node())) {
                return ref;
            }
            if (head instanceof OtpErlangList) {
                return aliasOf(head, to);
            }
        }
        return null;
    }

    private boolean isLocal(OtpErlangPid to) {
        return to.node().equals(node.node());
    }
}
