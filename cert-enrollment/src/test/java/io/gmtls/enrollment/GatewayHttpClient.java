package io.gmtls.enrollment;

import io.gmtls.testsupport.Ppv2Client;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * A T-Box's HTTP/1.1 client over TLCP or TLS 1.3 (an SslHandler around our TLCP engine or BouncyCastle's
 * RFC 8998 engine), talking to the gateway. Keeps the connection for several requests.
 */
final class GatewayHttpClient implements AutoCloseable {

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private static final Object CLOSED = new Object();

    private final Channel channel;
    private final BlockingQueue<Object> inbox;

    private GatewayHttpClient(Channel channel, BlockingQueue<Object> inbox) {
        this.channel = channel;
        this.inbox = inbox;
    }

    /** Connects and completes the handshake (15 s at most); throws when the handshake fails. */
    static GatewayHttpClient connect(int port, Supplier<SslHandler> ssl) throws Exception {
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        Bootstrap bootstrap = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(ssl.get(), new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
                                        Map<String, String> headers = new LinkedHashMap<>();
                                        msg.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT),
                                                h.getValue()));
                                        inbox.add(new Ppv2Client.Response(msg.status().code(), headers,
                                                ByteBufUtil.getBytes(msg.content())));
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        inbox.add(CLOSED);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        inbox.add(cause);
                                        ctx.close();
                                    }
                                });
                    }
                });
        Channel channel = bootstrap.connect("127.0.0.1", port).sync().channel();
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        if (!handler.handshakeFuture().await(15, TimeUnit.SECONDS) || !handler.handshakeFuture().isSuccess()) {
            channel.close();
            throw new IOException("handshake with the gateway failed", handler.handshakeFuture().cause());
        }
        return new GatewayHttpClient(channel, inbox);
    }

    SSLSession session() {
        return channel.pipeline().get(SslHandler.class).engine().getSession();
    }

    Ppv2Client.Response post(String path, String contentType, byte[] body) throws Exception {
        return send(HttpMethod.POST, path, contentType, body);
    }

    Ppv2Client.Response get(String path) throws Exception {
        return send(HttpMethod.GET, path, null, new byte[0]);
    }

    private Ppv2Client.Response send(HttpMethod method, String path, String contentType, byte[] body) throws Exception {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, "localhost");
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        request.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (contentType != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        channel.writeAndFlush(request).sync();
        Object answer = inbox.poll(30, TimeUnit.SECONDS);
        if (answer instanceof Ppv2Client.Response response) {
            return response;
        }
        if (answer instanceof Throwable t) {
            throw new IOException("request failed", t);
        }
        throw new IOException(answer == CLOSED ? "connection closed without an answer" : "no answer within 30 s");
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
