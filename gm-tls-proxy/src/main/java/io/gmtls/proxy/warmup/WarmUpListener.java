package io.gmtls.proxy.warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.LoggerFactory;

import io.gmtls.crypto.pem.Pem;
import io.gmtls.proxy.config.CrlConfig;
import io.gmtls.proxy.config.GatewayConfig;
import io.gmtls.proxy.config.LimitsConfig;
import io.gmtls.proxy.config.ListenerConfig;
import io.gmtls.proxy.config.RevocationConfig;
import io.gmtls.proxy.config.TlcpConfig;
import io.gmtls.proxy.config.UpstreamGroupConfig;
import io.gmtls.proxy.listener.ListenerServer;
import io.gmtls.proxy.listener.Terminations;
import io.gmtls.proxy.listener.TlcpTermination;
import io.gmtls.proxy.listener.TlsTermination;
import io.gmtls.proxy.listener.Transport;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.gmtls.proxy.metrics.RateLimitedLog;
import io.gmtls.proxy.relay.ConnectionIds;
import io.gmtls.proxy.relay.RelayContext;
import io.gmtls.proxy.relay.UpstreamConnector;
import io.gmtls.proxy.revocation.LiveConnections;
import io.gmtls.proxy.revocation.RevocationService;
import io.gmtls.proxy.tls.ServerIdentity;
import io.gmtls.proxy.tls.Tls13ClientAuth;
import io.gmtls.proxy.tls.Tls13ServerContexts;
import io.gmtls.proxy.tls.Tls13ServerCredentials;
import io.gmtls.proxy.upstream.UpstreamGroup;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.proxyprotocol.ReceiverSettings;
import io.gmtls.tlcp.ClientAuth;
import io.gmtls.tlcp.TicketKeySet;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.gmtls.tlcp.TlcpSession;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The warm-up's own listener, made by the same {@link ListenerServer} code as the configured ones and
 * bound to a free loopback port on the gateway's event loops, with everything else of its own: a
 * throwaway PKI and the TLCP and TLS 1.3 contexts made from it (session cache, ticket keys, trust), one
 * upstream group whose only server is the in-process {@link WarmUpSink}, a revocation service loading the
 * throwaway CAs' CRLs (from a private temporary directory, removed on close) the way the configured ones
 * are loaded, a metrics registry nobody scrapes, connection ids {@code warm-up-…} and no access lines
 * written. Its clients run on an event loop of their own. Closing it closes the port, every warm-up
 * connection still open, the sink and the clients' loop.
 */
final class WarmUpListener implements AutoCloseable {

    private static final String NAME = "warm-up";
    private static final int CLIENT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    /**
     * What the configured listeners serve, and so what the warm-up runs.
     *
     * @param tlcpSuites    every TLCP suite of a listener, in the listeners' order (empty: no TLCP)
     * @param tickets       a TLCP listener issues session tickets
     * @param tls           a listener serves TLS 1.3
     * @param budget        a listener has a full-handshake budget (admission then reads each ClientHello)
     * @param limits        the first terminating listener's limits (its timeouts are the warm-up's)
     * @param proxyProtocol the PPv2 header of the first upstream group that sends one
     */
    record Served(List<TlcpCipherSuite> tlcpSuites, boolean tickets, boolean tls, boolean budget, LimitsConfig limits,
            UpstreamGroupConfig.ProxyProtocolConfig proxyProtocol) {

        static Served of(GatewayConfig config) {
            Set<TlcpCipherSuite> suites = new LinkedHashSet<>();
            boolean tickets = false;
            boolean tls = false;
            boolean budget = false;
            LimitsConfig limits = null;
            for (ListenerConfig listener : config.listeners()) {
                if (listener.tlcp().isPresent()) {
                    TlcpConfig tlcp = listener.tlcp().get();
                    suites.addAll(tlcp.cipherSuites());
                    tickets |= tlcp.sessionTickets();
                }
                tls |= listener.tls().isPresent();
                if (!listener.plaintext()) {
                    budget |= listener.limits().fullHandshakesPerSecond() > 0;
                    limits = limits == null ? listener.limits() : limits;
                }
            }
            UpstreamGroupConfig.ProxyProtocolConfig ppv2 = config.upstreams().values().stream()
                    .map(UpstreamGroupConfig::proxyProtocol)
                    .filter(UpstreamGroupConfig.ProxyProtocolConfig::enabled)
                    .findFirst()
                    .orElse(new UpstreamGroupConfig.ProxyProtocolConfig(true, HeaderOptions.defaults()));
            return new Served(List.copyOf(suites), tickets, tls, budget, limits, ppv2);
        }

        /** True when no listener terminates TLCP or TLS (plaintext only): nothing to warm. */
        boolean isEmpty() {
            return tlcpSuites.isEmpty() && !tls;
        }
    }

    /**
     * How one warm-up connection ended.
     *
     * @param resumed whether it resumed a TLCP session
     * @param error   why it failed, or null when the byte came back through the sink
     */
    record Outcome(boolean resumed, String error) {
    }

    private final Served served;
    private final WarmUpPki pki;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final ChannelGroup channels = new DefaultChannelGroup(NAME, GlobalEventExecutor.INSTANCE);
    private final RevocationService revocation;
    private final WarmUp.Loops loops;
    private final EventLoopGroup clients;
    private Tls13ServerContexts tlsContexts;
    private WarmUpSink sink;
    /** The CRLs and their issuers as files, while the warm-up runs. */
    private Path crlDirectory;
    private ListenerServer server;
    private InetSocketAddress address;

    private WarmUpListener(Served served, WarmUp.Loops loops) throws GeneralSecurityException {
        this.served = served;
        this.loops = loops;
        this.pki = WarmUpPki.create();
        this.revocation = new RevocationService(new LiveConnections(), metrics, Clock.systemUTC());
        this.clients = loops.transport().newGroup(1);
    }

    /**
     * Gives the warm-up's revocation service the throwaway CAs' CRLs, through the files a configuration
     * names: a real gateway checks its vehicles against CRLs, and a warm-up without them would compile the
     * lookup for "no CRL for this issuer" only, to be thrown away at the first vehicle.
     */
    private void loadCrls() throws Exception {
        crlDirectory = Files.createTempDirectory("gmtls-warm-up-");
        List<CrlConfig> crls = List.of(
                crl("warm-up-sm2", pki.sm2Issuing, pki.sm2Crl),
                crl("warm-up-ecdsa", pki.ecdsaIssuing, pki.ecdsaCrl));
        RevocationConfig config = new RevocationConfig(Duration.ofHours(1), Duration.ofSeconds(5), crls);
        revocation.apply(revocation.prepare(crlDirectory.resolve("warm-up.yaml"), config));
    }

    private CrlConfig crl(String name, X509Certificate issuer, byte[] crl) throws IOException {
        Path issuerFile = Files.writeString(crlDirectory.resolve(name + "-issuer.pem"), Pem.certificate(issuer));
        Path crlFile = Files.write(crlDirectory.resolve(name + ".crl"), crl);
        return new CrlConfig(name, Optional.of(crlFile), Optional.empty(), issuerFile);
    }

    private void deleteCrls() throws IOException {
        if (crlDirectory == null) {
            return;
        }
        try (Stream<Path> files = Files.list(crlDirectory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(crlDirectory);
    }

    /** Makes the contexts, starts the sink and binds the listener. */
    static WarmUpListener start(Served served, WarmUp.Loops loops) throws Exception {
        WarmUpListener listener = new WarmUpListener(served, loops);
        boolean started = false;
        try {
            listener.loadCrls();
            listener.bind();
            started = true;
            return listener;
        } finally {
            if (!started) {
                listener.close();
            }
        }
    }

    private void bind() throws Exception {
        Transport transport = loops.transport();
        HeaderOptions header = served.proxyProtocol().header();
        sink = WarmUpSink.start(clients, transport, ReceiverSettings.defaults().withMaxHeaderBytes(header.maxHeaderBytes()));
        UpstreamGroupConfig sinkGroup = new UpstreamGroupConfig(NAME, UpstreamGroupConfig.Balance.ROUND_ROBIN,
                List.of(sink.address()), Duration.ofSeconds(5),
                new UpstreamGroupConfig.HealthCheckConfig(false, Duration.ofSeconds(5), Duration.ofSeconds(1), 1, 1),
                served.proxyProtocol());
        LimitsConfig real = served.limits();
        // Nothing that could refuse a warm-up connection; a budget (when a listener has one) it never
        // reaches, so admission reads each ClientHello as it does there.
        LimitsConfig limits = new LimitsConfig(10_000, 10_000, 0, 1, real.handshakeTimeout(), real.idleTimeout(),
                1_000, 1_000, served.budget() ? 10_000_000 : 0);
        ListenerConfig config = new ListenerConfig(NAME, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                false, NAME, List.of(), ListenerConfig.ClientAuthMode.REQUIRED, Optional.empty(), Optional.empty(),
                false, limits);
        TlcpTermination tlcp = served.tlcpSuites().isEmpty() ? null : Terminations.tlcp(tlcpServer());
        TlsTermination tls = null;
        if (served.tls()) {
            tlsContexts = Tls13ServerContexts.builder(Tls13ServerCredentials.of(
                            new ServerIdentity(pki.ecdsaServer, pki.sm2ServerSign)))
                    .clientAuth(Tls13ClientAuth.of(io.netty.handler.ssl.ClientAuth.REQUIRE, List.of(pki.ecdsaCa),
                            List.of(pki.sm2Ca), revocation::status))
                    .build();
            tls = Terminations.tls(tlsContexts, config);
        }
        RateLimitedLog warnings = new RateLimitedLog(LoggerFactory.getLogger(WarmUp.class), Duration.ofSeconds(10));
        server = new ListenerServer(config, new ConnectionIds(NAME), channels, metrics, warnings);
        RelayContext relay = new RelayContext(config, Map.of(NAME, new UpstreamGroup(sinkGroup, Map.of())),
                server.meters(), metrics, revocation, UpstreamConnector.tcp(transport.socketChannelFactory()), warnings,
                false);
        server.update(new ListenerServer.Generation(relay, tlcp, tls));
        var bound = server.bind(loops.boss(), loops.workers(), transport).await();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on loopback: " + bound.cause(), bound.cause());
        }
        address = server.localAddress();
    }

    /** The warm-up's TLCP server: the throwaway PKI, the listeners' suites, a session cache of its own. */
    private TlcpContext tlcpServer() {
        TlcpContext.Builder builder = TlcpContext.builder()
                .signing(pki.sm2ServerSign.privateKey(), pki.sm2ServerSign.chain())
                .encryption(pki.sm2ServerEnc.privateKey(), pki.sm2ServerEnc.certificate())
                .trustAnchors(List.of(pki.sm2Ca))
                .cipherSuites(served.tlcpSuites())
                .clientAuth(ClientAuth.REQUIRED)
                // The listeners ask the revocation service; so does the warm-up, its own, without CRLs.
                .revocationChecker(revocation::status)
                .sessionCacheSize(1_000);
        if (served.tickets()) {
            builder.ticketKeys(TicketKeySet.generate());
        }
        return builder.build();
    }

    Served served() {
        return served;
    }

    /** The warm-up's own revocation service (tests). */
    RevocationService revocation() {
        return revocation;
    }

    /** Where the CRLs lie while the warm-up runs (tests). */
    Path crlDirectory() {
        return crlDirectory;
    }

    WarmUpPki pki() {
        return pki;
    }

    /** The provider of the TLS 1.3 ECDSA server engines (its client is made with the same). */
    SslProvider standardProvider() {
        return tlsContexts.standardProvider();
    }

    /** The listener's port. */
    InetSocketAddress address() {
        return address;
    }

    /** PPv2 headers the sink has read. */
    int sinkHeaders() {
        return sink == null ? 0 : sink.headers();
    }

    /**
     * Opens one connection of {@code kind}: handshake, one byte to the sink and back, close; then
     * {@code done} runs (once, on the clients' event loop).
     */
    void connect(WarmUp.Kind kind, Consumer<Outcome> done) {
        Probe probe = new Probe(done);
        new Bootstrap()
                .group(clients)
                .channelFactory(loops.transport().socketChannelFactory())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CLIENT_HANDSHAKE_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = kind.handlers().newHandler(ch.alloc());
                        ssl.setHandshakeTimeoutMillis(CLIENT_HANDSHAKE_TIMEOUT_MILLIS);
                        ch.pipeline().addLast("ssl", ssl).addLast("probe", probe);
                    }
                })
                .connect(address)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        probe.finish(false, "connect: " + f.cause());
                    }
                });
    }

    @Override
    public void close() {
        close(server == null ? null : server::stopAccepting);
        close(() -> channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
        close(sink);
        close(() -> clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
        close(revocation);
        close(this::deleteCrls);
    }

    private static void close(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LoggerFactory.getLogger(WarmUp.class).debug("warm-up close: {}", e.toString());
        }
    }

    /** The client's end: sends one byte once the handshake is done, finishes when it comes back. */
    private static final class Probe extends ChannelInboundHandlerAdapter {

        private final Consumer<Outcome> done;
        private boolean finished;

        Probe(Consumer<Outcome> done) {
            this.done = done;
        }

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                if (completion.isSuccess()) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'w'}));
                } else {
                    finish(false, "handshake: " + completion.cause());
                    ctx.close();
                }
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            finish(ssl.engine().getSession() instanceof TlcpSession session && session.resumed(), null);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(false, cause.toString());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            finish(false, "closed before the byte came back");
            super.channelInactive(ctx);
        }

        /** Runs {@code done} the first time only. */
        synchronized void finish(boolean resumed, String error) {
            if (!finished) {
                finished = true;
                done.accept(new Outcome(resumed, error));
            }
        }
    }
}
