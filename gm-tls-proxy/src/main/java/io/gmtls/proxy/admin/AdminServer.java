package io.gmtls.proxy.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.config.AdminConfig;
import io.gmtls.proxy.listener.Transport;
import io.gmtls.proxy.metrics.GatewayMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * The admin HTTP endpoint: {@code GET /metrics} (Prometheus text), {@code GET /health} (JSON, 200 or
 * 503), {@code POST /admin/reload} (200 or 422 with the error). Reading is open; every other method (a
 * mutating call) needs the configured bearer token — 401 without it or with a wrong one — and is refused
 * with 403 when no token is configured, whatever the address the endpoint is bound to. One request per
 * connection; reloads run off the event loop.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_REQUEST_BYTES = 8 * 1024;

    /** Runs a reload; returns null on success or the error. */
    @FunctionalInterface
    public interface ReloadAction {
        String reload();
    }

    private final AdminConfig config;
    private final GatewayMetrics metrics;
    private final Supplier<HealthReport> health;
    private final ReloadAction reload;
    private final ExecutorService blocking = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "admin-reload");
        t.setDaemon(true);
        return t;
    });
    private Channel channel;

    public AdminServer(AdminConfig config, GatewayMetrics metrics, Supplier<HealthReport> health, ReloadAction reload) {
        this.config = config;
        this.metrics = metrics;
        this.health = health;
        this.reload = reload;
    }

    /** Binds the admin port. */
    public void bind(EventLoopGroup boss, EventLoopGroup workers, Transport transport) throws InterruptedException {
        var future = new ServerBootstrap().group(boss, workers).channelFactory(transport.serverChannelFactory())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(30), new HttpServerCodec(4096, 8192, 8192),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), new Handler());
                    }
                }).bind(config.bind()).await();
        if (!future.isSuccess()) {
            throw new IllegalStateException("admin: cannot listen on " + config.bind() + ": "
                    + future.cause().getMessage(), future.cause());
        }
        channel = future.channel();
        InetSocketAddress bound = localAddress();
        boolean loopback = bound.getAddress().isLoopbackAddress();
        String mutating = config.token().isPresent() ? "mutating calls need the bearer token of admin.token-file"
                : "mutating calls (POST /admin/reload) are refused: no admin.token-file";
        if (loopback) {
            LOG.info("admin endpoint on {} (loopback); {}", bound, mutating);
        } else {
            LOG.warn("admin endpoint on {}, reachable beyond this host: /health and /metrics are open to it; {}",
                    bound, mutating);
        }
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(2_000);
        }
        blocking.shutdownNow();
        try {
            blocking.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed request\n");
                return;
            }
            String path = request.uri();
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            HttpMethod method = request.method();
            if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
                // Every mutating call is authenticated before anything else looks at it.
                if (config.token().isEmpty()) {
                    respond(ctx, HttpResponseStatus.FORBIDDEN, "application/json",
                            "{\"error\":\"mutating admin calls are disabled: no admin.token-file is configured\"}");
                    return;
                }
                if (!authorized(request)) {
                    respond(ctx, HttpResponseStatus.UNAUTHORIZED, "application/json",
                            "{\"error\":\"missing or wrong bearer token\"}");
                    return;
                }
            }
            switch (path) {
                case "/metrics" -> {
                    if (!HttpMethod.GET.equals(method)) {
                        respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET only\n");
                    } else {
                        respond(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
                    }
                }
                case "/health" -> {
                    if (!HttpMethod.GET.equals(method)) {
                        respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET only\n");
                    } else {
                        HealthReport report = health.get();
                        respond(ctx, report.up() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                                "application/json", report.toJson());
                    }
                }
                case "/admin/reload" -> {
                    if (!HttpMethod.POST.equals(method)) {
                        respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "POST only\n");
                    } else {
                        blocking.execute(() -> {
                            String error;
                            try {
                                error = reload.reload();
                            } catch (RuntimeException e) {
                                LOG.error("reload failed", e);
                                error = "reload failed";
                            }
                            String body = error == null ? "{\"result\":\"reloaded\"}"
                                    : "{\"result\":\"refused\",\"error\":" + Json.string(error) + "}";
                            HttpResponseStatus status = error == null ? HttpResponseStatus.OK
                                    : HttpResponseStatus.UNPROCESSABLE_ENTITY;
                            ctx.executor().execute(() -> respond(ctx, status, "application/json", body));
                        });
                    }
                }
                default -> respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
            }
        }

        /** True when the request carries the configured token (compared in constant time); false without a token. */
        private boolean authorized(FullHttpRequest request) {
            if (config.token().isEmpty()) {
                return false;
            }
            String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (header == null || !header.startsWith("Bearer ")) {
                return false;
            }
            byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            char[] chars = config.token().get().chars();
            byte[] expected = new String(chars).getBytes(StandardCharsets.UTF_8);
            java.util.Arrays.fill(chars, '\0');
            boolean equal = MessageDigest.isEqual(given, expected);
            java.util.Arrays.fill(expected, (byte) 0);
            return equal;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
