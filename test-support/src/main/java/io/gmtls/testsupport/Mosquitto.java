package io.gmtls.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto for the tests. Two ways to get one:
 * <ul>
 * <li>{@link #shared()}: the machine's broker on 127.0.0.1:1883 (anonymous local clients allowed) when
 *     it listens, otherwise one started from {@code /usr/sbin/mosquitto} on a free port for the rest of
 *     the test JVM;</li>
 * <li>{@link #startPrivate(String...)}: an instance of the test's own on a free port (anonymous, no
 *     persistence, plus the given configuration lines), so that client IDs and topics cannot collide
 *     with other runs on the machine's broker; the machine's broker when the binary is missing.</li>
 * </ul>
 * Neither available is a test failure, not a skip.
 */
public final class Mosquitto implements AutoCloseable {

    /** The machine's broker. */
    public static final InetSocketAddress SYSTEM = new InetSocketAddress("127.0.0.1", 1883);
    private static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private static InetSocketAddress shared;

    private final InetSocketAddress address;
    private final Process process;
    private final Path config;

    private Mosquitto(InetSocketAddress address, Process process, Path config) {
        this.address = address;
        this.process = process;
        this.config = config;
    }

    /** The address of a running Mosquitto shared by the test JVM (the machine's, or one started once). */
    public static synchronized InetSocketAddress shared() throws IOException, InterruptedException {
        if (shared != null) {
            return shared;
        }
        if (listening(SYSTEM)) {
            shared = SYSTEM;
            return shared;
        }
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("no Mosquitto on 127.0.0.1:1883 and no " + BINARY + " to start");
        }
        Mosquitto own = launch("gate-test-mosquitto");
        Runtime.getRuntime().addShutdownHook(new Thread(own::stop));
        shared = own.address;
        return shared;
    }

    /**
     * Starts a broker of the caller's own (or finds the machine's when the binary is missing).
     *
     * @param extraConfig further mosquitto.conf lines, e.g. {@code max_queued_messages 100000}
     */
    public static Mosquitto startPrivate(String... extraConfig) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            if (listening(SYSTEM)) {
                return new Mosquitto(SYSTEM, null, null);
            }
            throw new IllegalStateException("no " + BINARY + " and nothing on 127.0.0.1:1883");
        }
        return launch("test-mosquitto", extraConfig);
    }

    private static Mosquitto launch(String prefix, String... extraConfig) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        StringBuilder conf = new StringBuilder("listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        for (String line : extraConfig) {
            conf.append(line).append('\n');
        }
        Path file = Files.createTempFile(prefix, ".conf");
        Files.writeString(file, conf);
        Process process = new ProcessBuilder(BINARY.toString(), "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Mosquitto broker = new Mosquitto(new InetSocketAddress("127.0.0.1", port), process, file);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(broker.address)) {
            if (System.nanoTime() - deadline > 0 || !process.isAlive()) {
                broker.stop();
                throw new IllegalStateException("Mosquitto did not start on port " + port);
            }
            Thread.sleep(20);
        }
        return broker;
    }

    /** Where the broker listens (127.0.0.1). */
    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    /** Whether something accepts TCP connections at {@code address} within half a second. */
    public static boolean listening(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops a broker this object started (the machine's is left alone). */
    @Override
    public void close() {
        stop();
    }

    private void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(config);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }
}
