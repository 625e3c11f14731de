package io.rocksdbjnode.wire;

import com.ericsson.otp.erlang.OtpServerTransport;
import com.ericsson.otp.erlang.OtpSocketTransportFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * JInterface's socket transport, except that the node's listening socket is bound to one address
 * (loopback by default) instead of every interface, and stands behind a {@link HandshakeGate}.
 * Outgoing sockets (to epmd) are JInterface's own.
 */
final class BoundTransportFactory extends OtpSocketTransportFactory {
    private final InetAddress listen;
    private final long handshakeTimeoutMs;
    private volatile HandshakeGate gate;

    BoundTransportFactory(InetAddress listen, long handshakeTimeoutMs) {
        this.listen = listen;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
    }

    @Override
    public OtpServerTransport createServerTransport(int port) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(listen, port));
            gate = new HandshakeGate(server, handshakeTimeoutMs);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return gate;
    }

    /** Lets the node take connections; until then they wait at the gate. Call once the node is built. */
    void open() {
        gate.open();
    }
}
