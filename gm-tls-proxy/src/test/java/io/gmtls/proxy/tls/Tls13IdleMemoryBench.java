package io.gmtls.proxy.tls;

import io.gmtls.crypto.pem.Pem;
import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.crypto.tls.StandardTls13ClientContexts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.tlcp.RevocationChecker;
import io.netty.bootstrap.Bootstrap;
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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;

/**
 * Heap retained per idle TLS 1.3 connection on the server side, per engine, against plain TCP measured in
 * the same run. Clients run in a child JVM so that only the server's heap is counted. Not a unit test:
 * {@code java -cp <test classpath> io.gmtls.proxy.tls.Tls13IdleMemoryBench [connections] [out.md]}.
 * Native memory of BoringSSL is outside the Java heap and not counted here.
 */
public final class Tls13IdleMemoryBench {

    private enum Kind { PLAIN, STANDARD_OPENSSL, STANDARD_JDK, SM2_BOUNCYCASTLE }

    private Tls13IdleMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("clients")) {
            runClients(Kind.valueOf(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]),
                    args[5]);
            return;
        }
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path pkiDir = Files.createTempDirectory("tls13-bench").resolve("pki");
        DevPki pki = DevPkiGenerator.write(pkiDir, DevPkiOptions.defaults().withVehicles(1));
        StringBuilder report = new StringBuilder("# TLS 1.3 idle connection memory (server heap)\n\n")
                .append(connections).append(" idle connections after a mutual-auth handshake, heap after GC, ")
                .append("clients in a separate JVM; ratio against plain TCP in the same run.\n\n")
                .append("| engine | bytes per connection | ratio to plain TCP |\n|---|---|---|\n");
        double plain = 0;
        for (Kind kind : kinds()) {
            double perConnection = measure(kind, connections, pki, pkiDir);
            if (kind == Kind.PLAIN) {
                plain = perConnection;
            }
            report.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f |%n", kind, perConnection,
                    perConnection / plain));
        }
        report.append("\nRun: `java -cp <gm-tls-proxy test classpath> io.gmtls.proxy.tls.Tls13IdleMemoryBench 300 out.md`")
                .append(" (`-Dbench.kinds=PLAIN,SM2_BOUNCYCASTLE`, `-Dbench.histogram=true` for a class histogram).")
                .append(" BoringSSL's native memory is not in the Java heap and not counted.\n");
        System.out.print(report);
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), report.toString());
        }
        if (!Boolean.getBoolean("bench.histogram")) {
            try (var files = Files.walk(pkiDir.getParent())) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static List<Kind> kinds() {
        String selected = System.getProperty("bench.kinds");
        if (selected == null) {
            return List.of(Kind.values());
        }
        List<Kind> kinds = new ArrayList<>();
        for (String name : selected.split(",")) {
            kinds.add(Kind.valueOf(name.trim()));
        }
        return kinds;
    }

    private static double measure(Kind kind, int connections, DevPki pki, Path pkiDir) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CountDownLatch ready = new CountDownLatch(connections);
        Tls13ServerContexts contexts = kind == Kind.PLAIN ? null : Tls13ServerContexts
                .builder(Tls13ServerCredentials.of(TestPki.gatewayIdentity(pki)))
                .clientAuth(Tls13ClientAuth.of(ClientAuth.REQUIRE, pki.ecdsaTrust(), pki.sm2Trust(),
                        RevocationChecker.NONE))
                .standardProvider(kind == Kind.STANDARD_JDK ? SslProvider.JDK : SslProvider.OPENSSL)
                .build();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (contexts != null) {
                            ch.pipeline().addLast(new Tls13EngineSelector(contexts));
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) throws Exception {
                                if (contexts == null) {
                                    ready.countDown();
                                }
                                super.channelActive(ctx);
                            }

                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                                if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                                    ready.countDown();
                                }
                                super.userEventTriggered(ctx, evt);
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        try {
            long before = usedHeapAfterGc();
            int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
            Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Tls13IdleMemoryBench.class.getName(),
                    "clients", kind.name(), Integer.toString(port), Integer.toString(connections), pkiDir.toString(),
                    pki.vehicles().get(0).vin())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(),
                    StandardCharsets.UTF_8))) {
                if (!ready.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(kind + ": only " + (connections - ready.getCount()) + " handshakes");
                }
                String line = out.readLine();
                if (!"ready".equals(line)) {
                    throw new IllegalStateException(kind + ": client said " + line);
                }
                long after = usedHeapAfterGc();
                if (Boolean.getBoolean("bench.histogram")) {
                    // Where the bytes are: the top of the class histogram while the connections are idle.
                    new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                            .redirectOutput(pkiDir.resolveSibling("histogram-" + kind + ".txt").toFile())
                            .start().waitFor(60, TimeUnit.SECONDS);
                }
                clients.getOutputStream().close();
                clients.waitFor(30, TimeUnit.SECONDS);
                return (after - before) / (double) connections;
            } finally {
                clients.destroyForcibly();
            }
        } finally {
            server.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void runClients(Kind kind, int port, int connections, Path pkiDir, String vin) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CountDownLatch done = new CountDownLatch(connections);
        Sm2Tls13ClientEngines sm = Sm2Tls13ClientEngines.create(
                Pem.credential(pkiDir.resolve("sm2/vehicles/" + vin + "-sign.crt"),
                        pkiDir.resolve("sm2/vehicles/" + vin + "-sign.key"), null),
                Pem.certificates(pkiDir.resolve("sm2/trust.pem")));
        SslContext standard = StandardTls13ClientContexts.netty(
                Pem.credential(pkiDir.resolve("ecdsa/vehicles/" + vin + ".crt"),
                        pkiDir.resolve("ecdsa/vehicles/" + vin + ".key"), null),
                Pem.certificates(pkiDir.resolve("ecdsa/trust.pem")), SslProvider.JDK);
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            channels.add(new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            switch (kind) {
                                case PLAIN -> done.countDown();
                                case SM2_BOUNCYCASTLE -> ch.pipeline().addLast(sm.newHandler("localhost", port));
                                default -> ch.pipeline().addLast(standard.newHandler(ch.alloc(), "localhost", port));
                            }
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                                    if (evt instanceof SslHandshakeCompletionEvent) {
                                        done.countDown();
                                    }
                                    super.userEventTriggered(ctx, evt);
                                }
                            });
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel());
        }
        done.await(120, TimeUnit.SECONDS);
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // Hold the connections until the server has measured.
        }
        for (Channel channel : channels) {
            channel.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
