package io.gmtls.tboxsim.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Mosquitto for the tests: a private instance started from {@code /usr/sbin/mosquitto} on a free
 * port (anonymous, no persistence), so that client IDs and topics can't collide with other test runs on
 * the machine's broker; the machine's broker on 127.0.0.1:1883 when the binary is missing. Neither
 * available is a failure, not a skip.
 */
public final class MosquittoBroker implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    private static final InetSocketAddress SYSTEM = new InetSocketAddress("127.0.0.1", 1883);

    private final InetSocketAddress address;
    private final Process process;
    private final Path config;

    private MosquittoBroker(InetSocketAddress address, Process process, Path config) {
        this.address = address;
        this.process = process;
        this.config = config;
    }

    /** Starts (or finds) a broker. */
    public static MosquittoBroker start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            if (listening(SYSTEM)) {
                return new MosquittoBroker(SYSTEM, null, null);
            }
            throw new IllegalStateException("no /usr/sbin/mosquitto and nothing on 127.0.0.1:1883");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Path conf = Files.createTempFile("tbox-sim-mosquitto", ".conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + "max_inflight_messages 0\nmax_queued_messages 100000\n");
        Process process = new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!listening(address)) {
            if (System.nanoTime() - deadline > 0 || !process.isAlive()) {
                process.destroyForcibly();
                throw new IllegalStateException("Mosquitto did not start on port " + port);
            }
            Thread.sleep(20);
        }
        return new MosquittoBroker(address, process, conf);
    }

    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    private static boolean listening(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            Files.deleteIfExists(config);
        }
    }
}
