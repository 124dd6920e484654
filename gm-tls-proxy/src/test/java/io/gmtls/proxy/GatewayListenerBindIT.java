package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;

/**
 * How a listener binds on epoll: one SO_REUSEPORT socket per event loop (so a connection is accepted on
 * the thread that serves it), all closed at shutdown, and a port that another process listens on —
 * another gateway with SO_REUSEPORT too — refused at start unless the listener says {@code reuse-port}.
 * Observed from outside, in the kernel's socket table.
 */
class GatewayListenerBindIT {

    @TempDir
    static Path dir;
    static GatewayFixture fixture;
    static PpEchoUpstream upstream;
    static EventLoopGroup otherProcess;

    Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll only");
        fixture = new GatewayFixture(dir);
        upstream = PpEchoUpstream.start();
        otherProcess = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.shutdown(Duration.ofMillis(200));
        }
    }

    @AfterAll
    static void stop() {
        if (upstream != null) {
            upstream.close();
        }
        if (otherProcess != null) {
            otherProcess.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The configuration with the listener on {@code port}, {@code io-threads} and {@code reuse-port} set. */
    private Path config(int port, int ioThreads, boolean reusePort) throws IOException {
        Path file = fixture.write(new GatewayFixture.Settings().upstreams(upstream.port()));
        String yaml = Files.readString(file, StandardCharsets.UTF_8);
        String listenerBind = "    bind: \"127.0.0.1:0\"\n";
        assertThat(yaml).contains(listenerBind);
        yaml = yaml.replace(listenerBind, "    bind: \"127.0.0.1:" + port + "\"\n    reuse-port: " + reusePort + "\n");
        yaml = "io-threads: " + ioThreads + "\n" + yaml;
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void everyEventLoopAcceptsOnItsOwnSocketAndAllOfThemServeAndCloseAtShutdown() throws Exception {
        gateway = Gateway.start(config(0, 3, false));
        int port = gateway.listenerAddress("mqtt").getPort();
        assertThat(listeningSockets(port)).as("listening sockets on the port: one per event loop").isEqualTo(3);

        // The kernel spreads connections over the sockets by their addresses: enough of them reach each.
        TlcpContext client = fixture.tlcpClient(fixture.vehicle(0), TlcpCipherSuite.ECC_SM4_GCM_SM3);
        for (int i = 0; i < 12; i++) {
            try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlcpHandler(client, port))) {
                assertThat(c.handshakeFailure()).isNull();
                c.send("hello " + i);
                c.awaitReceived("hello " + i, Duration.ofSeconds(10));
            }
        }

        gateway.shutdown(Duration.ofMillis(200));
        gateway = null;
        assertThat(listeningSockets(port)).as("listening sockets after shutdown").isZero();
    }

    @Test
    void aPortAnotherGatewayListensOnIsRefusedAtStartUnlessReusePortIsSet() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // Another gateway process of the same user: its sockets have SO_REUSEPORT as ours do.
        Channel other = new ServerBootstrap().group(otherProcess).channel(EpollServerSocketChannel.class)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        try {
            Path exclusive = config(port, 2, false);
            assertThatThrownBy(() -> Gateway.start(exclusive))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("listener mqtt: cannot listen on");
            assertThat(listeningSockets(port)).as("only the other process's socket").isEqualTo(1);

            gateway = Gateway.start(config(port, 2, true));
            assertThat(listeningSockets(port)).as("shared on purpose: the other's and ours").isEqualTo(3);
        } finally {
            other.close().sync();
        }
    }

    @Test
    void aPortAPlainSocketHoldsIsRefusedEvenWithReusePort() throws Exception {
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress("127.0.0.1", 0));
            Path shared = config(held.getLocalPort(), 2, true);
            assertThatThrownBy(() -> Gateway.start(shared))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("listener mqtt: cannot listen on");
        }
    }

    /**
     * Sockets in LISTEN state on 127.0.0.1:port, from the kernel's tables (Netty's epoll sockets are IPv6
     * ones bound to the v4-mapped address where the machine has IPv6: /proc/net/tcp6).
     */
    private static int listeningSockets(int port) throws IOException {
        String suffix = "0100007F:" + String.format(Locale.ROOT, "%04X", port);
        int n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[1].endsWith(suffix) && f[3].equals("0A")) {
                    n++;
                }
            }
        }
        return n;
    }
}
