package io.gmtls.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler on a real loopback TCP listener: the allow-list and the payload hand-over. */
class ProxyHeaderHandlerSocketIT {

    private static final byte[] PAYLOAD = "PING-THROUGH-GATEWAY\n".getBytes(StandardCharsets.US_ASCII);

    private EventLoopGroup group;
    private Channel server;
    private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();

    /** What one accepted connection saw: reads at the socket, and what reached the application. */
    record Connection(AtomicInteger socketReads, Recorder recorder) {
    }

    @BeforeEach
    void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close().await(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private InetSocketAddress listen(GatewayAllowList allowList) throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        AtomicInteger reads = new AtomicInteger();
                        Recorder recorder = new Recorder();
                        connections.add(new Connection(reads, recorder));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                reads.incrementAndGet();
                                ctx.fireChannelRead(msg);
                            }
                        }, new ProxyHeaderHandler(ReceiverSettings.defaults(), allowList), recorder);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    @Test
    void gatewayOnTheAllowListGetsItsFactsAndPayloadThrough() throws Exception {
        InetSocketAddress address = listen(GatewayAllowList.of("127.0.0.0/8"));
        byte[] header = TestData.haproxy("haproxy-send-proxy-v2-full.json").header();

        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(header, 0, 20);
            out.flush();
            out.write(header, 20, header.length - 20);
            out.write(PAYLOAD);
            out.flush();

            Connection connection = connections.poll(5, TimeUnit.SECONDS);
            assertThat(connection).isNotNull();
            await(() -> connection.recorder().payload().length >= PAYLOAD.length);
            assertThat(connection.recorder().payload()).isEqualTo(PAYLOAD);
            DecodeResult.Decoded decoded = connection.recorder().single(DecodeResult.Decoded.class);
            assertThat(decoded.facts().commonName()).contains("LSVTEST0000000002");
            assertThat(decoded.facts().source().getPort()).isEqualTo(0xeb72);
            assertThat(connection.recorder().active).isTrue();
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void peerOutsideTheAllowListIsClosedBeforeAnythingIsRead() throws Exception {
        InetSocketAddress address = listen(GatewayAllowList.of("10.0.0.0/8", "fd00::/8"));
        byte[] header = TestData.haproxy("haproxy-send-proxy-v2-full.json").header();

        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5000);
            try {
                // The bytes may reach the server's kernel buffer; the server must never read them.
                socket.getOutputStream().write(header);
                socket.getOutputStream().write(PAYLOAD);
            } catch (IOException alreadyClosed) {
                // the server may have closed before the write
            }
            assertThat(readUntilClosed(socket.getInputStream())).isTrue();
        }

        Connection connection = connections.poll(5, TimeUnit.SECONDS);
        assertThat(connection).isNotNull();
        await(() -> connection.recorder().closed.getCount() == 0);
        assertThat(connection.socketReads().get()).isZero();
        assertThat(connection.recorder().reads).isEmpty();
        assertThat(connection.recorder().active).isFalse();
        assertThat(connection.recorder().single(DecodeResult.Rejected.class).reason())
                .isEqualTo(RejectReason.PEER_NOT_ALLOWED);
    }

    /** {@code true} once the server closed the connection (EOF or reset), within the socket timeout. */
    private static boolean readUntilClosed(InputStream in) {
        try {
            return in.read() == -1;
        } catch (java.net.SocketTimeoutException timeout) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
