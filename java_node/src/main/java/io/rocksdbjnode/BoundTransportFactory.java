package io.rocksdbjnode;

import com.ericsson.otp.erlang.OtpServerTransport;
import com.ericsson.otp.erlang.OtpSocketTransportFactory;
import com.ericsson.otp.erlang.OtpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * JInterface's socket transport, except that the node's listening socket is bound to one address
 * (loopback by default) instead of every interface.
 */
final class BoundTransportFactory extends OtpSocketTransportFactory {
    private final InetAddress listen;

    BoundTransportFactory(InetAddress listen) {
        this.listen = listen;
    }

    @Override
    public OtpServerTransport createServerTransport(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(listen, port));
        return new OtpServerTransport() {
            @Override
            public int getLocalPort() {
                return server.getLocalPort();
            }

            @Override
            public OtpTransport accept() throws IOException {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                return new OtpTransport() {
                    @Override
                    public InputStream getInputStream() throws IOException {
                        return s.getInputStream();
                    }

                    @Override
                    public OutputStream getOutputStream() throws IOException {
                        return s.getOutputStream();
                    }

                    @Override
                    public void close() throws IOException {
                        s.close();
                    }
                };
            }

            @Override
            public void close() throws IOException {
                server.close();
            }
        };
    }
}
