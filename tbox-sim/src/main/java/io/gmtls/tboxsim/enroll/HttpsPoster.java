package io.gmtls.tboxsim.enroll;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.EventLoops;
import io.gmtls.tboxsim.transport.FailureCauses;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * POSTs one JSON document over a fresh TLCP / TLS 1.3 / plain connection (HTTP/1.1 on Netty's codec,
 * {@code Connection: close}) and returns the response, bounded in size and time.
 */
final class HttpsPoster {

    private final EventLoops loops;
    private final InetSocketAddress address;
    private final String hostHeader;
    private final Duration timeout;
    private final int maxResponseBytes;

    HttpsPoster(EventLoops loops, InetSocketAddress address, String hostHeader, Duration timeout, int maxResponseBytes) {
        this.loops = loops;
        this.address = address;
        this.hostHeader = hostHeader;
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
    }

    /** Sends the request; the future fails with an {@link EnrollmentException}. */
    CompletableFuture<HttpReply> post(ClientTransport transport, String path, byte[] json) {
        CompletableFuture<HttpReply> reply = new CompletableFuture<>();
        Exchange exchange = new Exchange(transport, path, json, reply);
        Bootstrap bootstrap = new Bootstrap().group(loops.group()).channel(loops.channelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        transport.initPipeline(ch.pipeline());
                        ch.pipeline().addLast("http", new HttpClientCodec());
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(maxResponseBytes));
                        ch.pipeline().addLast("exchange", exchange);
                    }
                });
        Channel channel = bootstrap.connect(address).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                reply.completeExceptionally(EnrollmentException.connection(FailureCauses.ofConnect(f.cause()), true,
                        f.cause()));
            }
        }).channel();
        ScheduledFuture<?> timer = loops.group().schedule(() -> {
            if (reply.completeExceptionally(EnrollmentException.timeout("no answer within " + timeout.toMillis() + " ms"))) {
                channel.close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        reply.whenComplete((r, t) -> {
            timer.cancel(false);
            channel.close();
        });
        return reply;
    }

    private final class Exchange extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final ClientTransport transport;
        private final String path;
        private final byte[] json;
        private final CompletableFuture<HttpReply> reply;
        private boolean sent;

        Exchange(ClientTransport transport, String path, byte[] json, CompletableFuture<HttpReply> reply) {
            this.transport = transport;
            this.path = path;
            this.json = json;
            this.reply = reply;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (!transport.secure()) {
                send(ctx);
            }
            super.channelActive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent handshake) {
                if (handshake.isSuccess()) {
                    send(ctx);
                } else {
                    String cause = FailureCauses.ofHandshake(handshake.cause());
                    reply.completeExceptionally(EnrollmentException.connection(cause,
                            cause.equals("handshake timeout") || cause.equals("handshake closed by peer"),
                            handshake.cause()));
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        private void send(ChannelHandlerContext ctx) {
            if (sent) {
                return;
            }
            sent = true;
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    Unpooled.wrappedBuffer(json));
            request.headers()
                    .set(HttpHeaderNames.HOST, hostHeader)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.ACCEPT, "application/json, application/problem+json")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "tbox-sim")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
            ctx.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    reply.completeExceptionally(EnrollmentException.connection(
                            FailureCauses.ofConnection(f.cause()), true, f.cause()));
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (response.decoderResult().isFailure()) {
                reply.completeExceptionally(EnrollmentException.response("malformed HTTP response",
                        response.decoderResult().cause()));
                return;
            }
            reply.complete(new HttpReply(response.status().code(),
                    response.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    HttpReply.retryAfter(response.headers().get(HttpHeaderNames.RETRY_AFTER)),
                    ByteBufUtil.getBytes(response.content())));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
                reply.completeExceptionally(EnrollmentException.response(
                        "response larger than " + maxResponseBytes + " bytes", cause));
            } else if (!sent && transport.secure()) {
                reply.completeExceptionally(EnrollmentException.connection(FailureCauses.ofHandshake(cause), false,
                        cause));
            } else {
                reply.completeExceptionally(EnrollmentException.connection(FailureCauses.ofConnection(cause), true,
                        cause));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            reply.completeExceptionally(EnrollmentException.connection(
                    sent ? "connection closed before the response" : "handshake closed by peer", true, null));
            super.channelInactive(ctx);
        }
    }
}
