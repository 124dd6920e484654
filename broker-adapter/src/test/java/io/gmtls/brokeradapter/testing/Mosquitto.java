package io.gmtls.brokeradapter.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The real Mosquitto the tests relay to: the machine's broker on 127.0.0.1:1883 (anonymous local
 * clients allowed) when it is listening, otherwise one started from {@code /usr/sbin/mosquitto} on a
 * free port for the test run. Neither available is a test failure, not a skip.
 */
public final class Mosquitto {

    private static final InetSocketAddress SYSTEM = new InetSocketAddress("127.0.0.1", 1883);
    private static InetSocketAddress address;
    private static Process own;

    private Mosquitto() {
    }

    /** The address of a running Mosquitto. */
    public static synchronized InetSocketAddress address() throws IOException, InterruptedException {
        if (address != null) {
            return address;
        }
        if (listening(SYSTEM)) {
            address = SYSTEM;
            return address;
        }
        Path binary = Path.of("/usr/sbin/mosquitto");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no Mosquitto on 127.0.0.1:1883 and no /usr/sbin/mosquitto to start");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Path conf = Files.createTempFile("gate-test-mosquitto", ".conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        own = new ProcessBuilder(binary.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> own.destroy()));
        InetSocketAddress candidate = new InetSocketAddress("127.0.0.1", port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!listening(candidate)) {
            if (Instant.now().isAfter(deadline) || !own.isAlive()) {
                throw new IllegalStateException("Mosquitto did not start on port " + port);
            }
            Thread.onSpinWait();
            Thread.sleep(20);
        }
        address = candidate;
        return address;
    }

    private static boolean listening(InetSocketAddress a) {
        try (Socket s = new Socket()) {
            s.connect(a, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
