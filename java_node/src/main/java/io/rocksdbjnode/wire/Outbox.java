package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.AcceptOnlyNode;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
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
            if (node.send(mbox.self(), to, encoded)) {
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
     * Sends a reply to a call that came from {@code to}'s node: that node is connected, or its
     * connection is an instant from being registered (see {@link AcceptOnlyNode#awaitConnected}),
     * so a missing connection is waited for, briefly, before the reply is dropped.
     */
    Delivery reply(OtpErlangPid to, OtpErlangObject msg) {
        if (!isLocal(to) && !node.isConnected(to.node())) {
            try {
                node.awaitConnected(to.node(), AcceptOnlyNode.REGISTRATION_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return send(to, msg);
    }

    private boolean isLocal(OtpErlangPid to) {
        return to.node().equals(node.node());
    }
}
