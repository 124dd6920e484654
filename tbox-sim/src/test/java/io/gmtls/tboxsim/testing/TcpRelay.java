package io.gmtls.tboxsim.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of one target, that a test can cut and restore: the stand-in for a
 * network path between a gateway and the CA node it streams the revocation feed from. {@link #cut()}
 * closes the listening socket and every relayed connection (the client sees the stream end and its
 * reconnects refused); {@link #restore()} listens on the same port again. {@link #lastAccepted()} is when
 * the last connection came in (nanoTime), which is when a client reconnected after a restore.
 * One thread per direction per connection: a handful of feed streams, not a load tool.
 */
public final class TcpRelay implements AutoCloseable {

    private final int port;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastAccepted = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile ServerSocket server;

    private TcpRelay(int port, InetSocketAddress target) {
        this.port = port;
        this.target = target;
    }

    /** A relay on 127.0.0.1 port {@code port} (0: a free one) to {@code target}, listening. */
    public static TcpRelay start(int port, InetSocketAddress target) throws IOException {
        TcpRelay relay = new TcpRelay(port, target);
        relay.listen(port);
        return relay;
    }

    /** A relay on a free port of 127.0.0.1 to {@code target}, listening. */
    public static TcpRelay start(InetSocketAddress target) throws IOException {
        return start(0, target);
    }

    /** The port it listens on (the same after a restore). */
    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    /** {@link System#nanoTime()} when the last connection was accepted, 0 before the first. */
    public long lastAccepted() {
        return lastAccepted.get();
    }

    /** Stops listening and closes every relayed connection (both sides). */
    public synchronized void cut() throws IOException {
        ServerSocket s = server;
        if (s != null) {
            s.close();
        }
        for (Socket socket : List.copyOf(open)) {
            closeQuietly(socket);
        }
    }

    /** Listens again, on the same port. */
    public synchronized void restore() throws IOException {
        if (server == null || server.isClosed()) {
            listen(server == null ? port : server.getLocalPort());
        }
    }

    private void listen(int on) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 50);
        server = s;
        Thread acceptor = new Thread(() -> accept(s), "relay-accept-" + s.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException closed) {
                return;
            }
            lastAccepted.set(System.nanoTime());
            accepted.incrementAndGet();
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // Either side closed, or cut(): both sockets are closed below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-" + from.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted.
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
