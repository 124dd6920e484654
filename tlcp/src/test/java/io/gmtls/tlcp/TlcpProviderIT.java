package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.certsdev.Vehicle;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSSE provider used by code that knows nothing about TLCP: Netty's {@code JdkSslContext}
 * on both ends, our blocking sockets, and Apache HttpClient 5 talking HTTPS-over-TLCP to a
 * Netty HTTP server — every piece configured only through {@code SSLContext.init} with key and
 * trust managers from the standard factories.
 */
class TlcpProviderIT {

  private static EventLoopGroup group;

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  static SSLContext serverSslContext() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLCP", new TlcpProvider());
    ctx.init(JssePlumbing.keyManagersFromKeyStore(TestPki.PKI.gatewayEnc(), TestPki.PKI.gatewaySign()),
        JssePlumbing.trustManagers(TestPki.PKI.sm2Trust()), null);
    return ctx;
  }

  static SSLContext clientSslContext(Vehicle v) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLCP", new TlcpProvider());
    ctx.init(new KeyManager[] {new TlcpKeyManager(v.sign().privateKey(), v.sign().chain(),
        v.enc().privateKey(), v.enc().certificate())}, JssePlumbing.trustManagers(TestPki.PKI.sm2Trust()), null);
    return ctx;
  }

  // ------------------------------------------------------------------ servers

  /** A Netty echo server (upper-cases) on JdkSslContext over our SSLContext, client auth required. */
  static Channel nettyEchoServer(SslContext ssl, CompletableFuture<String> peerSubject) throws InterruptedException {
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SslHandler handler = ssl.newHandler(ch.alloc());
            handler.handshakeFuture().addListener(f -> {
              if (f.isSuccess()) {
                peerSubject.complete(((X509Certificate) handler.engine().getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName() + " " + handler.engine().getSession().getProtocol());
              } else {
                peerSubject.completeExceptionally(f.cause());
              }
            });
            ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf in = (ByteBuf) msg;
                String text = in.toString(StandardCharsets.UTF_8).toUpperCase();
                in.release();
                ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
          }
        }).bind("127.0.0.1", 0).sync().channel();
  }

  static int port(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  // ------------------------------------------------------------------ tests

  @Test
  void nettyJdkSslContextOnBothSides() throws Exception {
    SslContext serverSsl = new JdkSslContext(serverSslContext(), false, null, IdentityCipherSuiteFilter.INSTANCE,
        null, io.netty.handler.ssl.ClientAuth.REQUIRE, null, false);
    Vehicle vehicle = TestPki.PKI.vehicles().get(0);
    SslContext clientSsl = new JdkSslContext(clientSslContext(vehicle), true, null, IdentityCipherSuiteFilter.INSTANCE,
        null, io.netty.handler.ssl.ClientAuth.NONE, null, false);
    CompletableFuture<String> peer = new CompletableFuture<>();
    Channel server = nettyEchoServer(serverSsl, peer);
    try {
      CompletableFuture<String> reply = new CompletableFuture<>();
      int port = port(server);
      Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(clientSsl.newHandler(c.alloc(), "localhost", port),
                  new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                      reply.complete(((ByteBuf) msg).toString(StandardCharsets.UTF_8));
                      ((ByteBuf) msg).release();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                      reply.completeExceptionally(cause);
                    }
                  });
            }
          }).connect("127.0.0.1", port).sync().channel();
      SslHandler ssl = ch.pipeline().get(SslHandler.class);
      assertThat(ssl.handshakeFuture().await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ssl.handshakeFuture().cause()).isNull();
      assertThat(ssl.engine().getSession().getProtocol()).isEqualTo("TLCPv1.1");
      assertThat(ssl.engine().getSession().getCipherSuite()).isEqualTo("ECDHE_SM4_GCM_SM3");
      ch.writeAndFlush(Unpooled.copiedBuffer("ping over tlcp", StandardCharsets.UTF_8));
      assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("PING OVER TLCP");
      assertThat(peer.get(10, TimeUnit.SECONDS)).contains("CN=" + vehicle.vin()).endsWith("TLCPv1.1");
      ch.close().sync();
    } finally {
      server.close().sync();
    }
  }

  @Test
  void blockingSocketsBothWays() throws Exception {
    // Our SSLServerSocket (from TlcpContext.asSslContext) serving our SSLSocket (from the provider).
    SSLContext serverCtx = TestPki.server().clientAuth(ClientAuth.REQUIRED).build().asSslContext();
    Vehicle vehicle = TestPki.PKI.vehicles().get(1);
    try (SSLServerSocket listener = (SSLServerSocket) serverCtx.getServerSocketFactory()
        .createServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setSoTimeout(10_000);
          byte[] buf = new byte[64 * 1024];
          InputStream in = s.getInputStream();
          int total = 0;
          int n;
          while (total < 100_000 && (n = in.read(buf)) > 0) {
            total += n;
          }
          s.getOutputStream().write(("got " + total + " from "
              + ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName())
              .getBytes(StandardCharsets.UTF_8));
          return s.getSession().getCipherSuite();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket client = (SSLSocket) clientSslContext(vehicle).getSocketFactory()
          .createSocket("localhost", listener.getLocalPort())) {
        client.setSoTimeout(10_000);
        client.setEnabledCipherSuites(new String[] {"ECC_SM4_CBC_SM3"});
        OutputStream out = client.getOutputStream();
        out.write(new byte[100_000]);
        out.flush();
        // The server writes its answer and closes: read to the end (its close_notify).
        byte[] reply = client.getInputStream().readAllBytes();
        assertThat(new String(reply, StandardCharsets.UTF_8))
            .isEqualTo("got 100000 from " + vehicle.sign().certificate().getSubjectX500Principal().getName());
        assertThat(client.getSession().getProtocol()).isEqualTo("TLCPv1.1");
      }
      assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("ECC_SM4_CBC_SM3");
    }
  }

  @Test
  void blockingSocketAgainstNettyServerSeesTheServerAlert() throws Exception {
    SslContext serverSsl = new JdkSslContext(serverSslContext(), false, null, IdentityCipherSuiteFilter.INSTANCE,
        null, io.netty.handler.ssl.ClientAuth.REQUIRE, null, false);
    CompletableFuture<String> peer = new CompletableFuture<>();
    Channel server = nettyEchoServer(serverSsl, peer);
    try {
      // A client that does not authenticate: the server requires it.
      SSLContext anonymous = SSLContext.getInstance("TLCP", new TlcpProvider());
      anonymous.init(null, JssePlumbing.trustManagers(TestPki.PKI.sm2Trust()), null);
      try (SSLSocket client = (SSLSocket) anonymous.getSocketFactory().createSocket("localhost", port(server))) {
        client.setSoTimeout(10_000);
        assertThatThrownBy(client::startHandshake).isInstanceOf(TlcpAlertException.class)
            .hasMessageContaining("handshake_failure");
        assertThat(client.isClosed()).isTrue();
      }
    } finally {
      server.close().sync();
    }
  }

  @Test
  void apacheHttpClientOverTlcpToNettyHttpServer() throws Exception {
    SslContext serverSsl = new JdkSslContext(serverSslContext(), false, null, IdentityCipherSuiteFilter.INSTANCE,
        null, io.netty.handler.ssl.ClientAuth.REQUIRE, null, false);
    Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SslHandler ssl = serverSsl.newHandler(ch.alloc());
            ch.pipeline().addLast(ssl, new HttpServerCodec(), new HttpObjectAggregator(8192),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
                    X509Certificate peer = (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
                    byte[] body = ("hello " + peer.getSubjectX500Principal().getName() + " via "
                        + ssl.engine().getSession().getCipherSuite() + " at " + req.uri())
                        .getBytes(StandardCharsets.UTF_8);
                    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(body));
                    resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                    ctx.writeAndFlush(resp);
                  }
                });
          }
        }).bind("127.0.0.1", 0).sync().channel();
    Vehicle vehicle = TestPki.PKI.vehicles().get(0);
    // HttpClient's own TLS rules know TLS version names only: tell it the protocol to enable.
    DefaultClientTlsStrategy tls = new DefaultClientTlsStrategy(clientSslContext(vehicle),
        new String[] {"TLCPv1.1"}, null, null, HostnameVerificationPolicy.BOTH, null);
    try (CloseableHttpClient http = HttpClients.custom().setConnectionManager(
        PoolingHttpClientConnectionManagerBuilder.create().setTlsSocketStrategy(tls).build()).build()) {
      for (String path : List.of("/first", "/second")) {
        String body = http.execute(new HttpGet("https://localhost:" + port(server) + path),
            resp -> {
              assertThat(resp.getCode()).isEqualTo(200);
              return EntityUtils.toString(resp.getEntity());
            });
        assertThat(body).startsWith("hello ").contains("CN=" + vehicle.vin())
            .contains("via ECDHE_SM4_GCM_SM3").endsWith(path);
      }
    } finally {
      server.close().sync();
    }
  }
}
