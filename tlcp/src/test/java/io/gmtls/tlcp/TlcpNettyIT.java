package io.gmtls.tlcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Our client and server over real loopback sockets, driven unchanged by Netty's SslHandler. */
class TlcpNettyIT {

  private static EventLoopGroup group;

  /** What the server saw of one connection. */
  record ServerView(String protocol, String suite, boolean resumed, String peerSubject) {
  }

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** An echo server (upper-cases what it reads) that reports each handshake. */
  static final class Server implements AutoCloseable {
    final Channel channel;
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    Server(TlcpContext context) throws InterruptedException {
      channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              SslHandler ssl = new SslHandler(context.newServerEngine());
              ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                  if (evt instanceof SslHandshakeCompletionEvent e) {
                    if (e.isSuccess()) {
                      TlcpSession s = (TlcpSession) ssl.engine().getSession();
                      events.add(new ServerView(s.getProtocol(), s.getCipherSuite(), s.resumed(),
                          s.signingCertificate() == null ? null
                              : s.signingCertificate().getSubjectX500Principal().getName()));
                    } else {
                      events.add(e.cause());
                    }
                  }
                  ctx.fireUserEventTriggered(evt);
                }

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

    int port() {
      return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    Object nextEvent() throws InterruptedException {
      Object e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("server handshake event").isNotNull();
      return e;
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
    }
  }

  /** Connects, handshakes, sends "ping", returns the reply. */
  static String ping(TlcpContext client, int port) throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            c.pipeline().addLast(new SslHandler(client.newClientEngine("localhost", port)),
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    reply.complete(((ByteBuf) msg).toString(StandardCharsets.UTF_8));
                    ((ByteBuf) msg).release();
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    reply.completeExceptionally(cause);
                    ctx.close();
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    reply.completeExceptionally(new SSLException("closed before reply"));
                  }
                });
          }
        }).connect("127.0.0.1", port).sync().channel();
    try {
      SslHandler ssl = ch.pipeline().get(SslHandler.class);
      ssl.handshakeFuture().await(10, TimeUnit.SECONDS);
      if (!ssl.handshakeFuture().isSuccess()) {
        throw new SSLException("handshake failed", ssl.handshakeFuture().cause());
      }
      ch.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8));
      return reply.get(10, TimeUnit.SECONDS);
    } finally {
      ch.close().sync();
    }
  }

  @ParameterizedTest
  @EnumSource(TlcpCipherSuite.class)
  void everySuiteWithClientAuthentication(TlcpCipherSuite suite) throws Exception {
    try (Server server = new Server(TestPki.server().clientAuth(ClientAuth.REQUIRED).build())) {
      assertThat(ping(TestPki.client().cipherSuites(List.of(suite)).build(), server.port())).isEqualTo("PING");
      ServerView view = (ServerView) server.nextEvent();
      assertThat(view.protocol()).isEqualTo("TLCPv1.1");
      assertThat(view.suite()).isEqualTo(suite.name());
      assertThat(view.peerSubject()).contains("CN=" + TestPki.PKI.vehicles().get(0).vin());
    }
  }

  @ParameterizedTest
  @EnumSource(value = TlcpCipherSuite.class, names = {"ECC_SM4_CBC_SM3", "ECC_SM4_GCM_SM3"})
  void eccWithoutClientAuthentication(TlcpCipherSuite suite) throws Exception {
    try (Server server = new Server(TestPki.server().cipherSuites(List.of(suite)).build())) {
      assertThat(ping(TestPki.clientTrusting(TestPki.PKI).build(), server.port())).isEqualTo("PING");
      ServerView view = (ServerView) server.nextEvent();
      assertThat(view.suite()).isEqualTo(suite.name());
      assertThat(view.peerSubject()).isNull();
    }
  }

  @Test
  void sessionIdResumption() throws Exception {
    try (Server server = new Server(TestPki.server().clientAuth(ClientAuth.REQUIRED).build())) {
      TlcpContext client = TestPki.client().build();
      ping(client, server.port());
      assertThat(((ServerView) server.nextEvent()).resumed()).isFalse();
      ping(client, server.port());
      ServerView resumed = (ServerView) server.nextEvent();
      assertThat(resumed.resumed()).isTrue();
      assertThat(resumed.peerSubject()).contains(TestPki.PKI.vehicles().get(0).vin());
    }
  }

  @Test
  void ticketResumptionAndRotation() throws Exception {
    TicketKeySet keys = TicketKeySet.generate();
    try (Server server = new Server(TestPki.server().clientAuth(ClientAuth.REQUIRED).ticketKeys(keys)
        .sessionCacheSize(0).build())) {
      TlcpContext client = TestPki.client().build();
      ping(client, server.port());
      assertThat(((ServerView) server.nextEvent()).resumed()).isFalse();
      ping(client, server.port());
      assertThat(((ServerView) server.nextEvent()).resumed()).as("by ticket").isTrue();
      for (int i = 0; i < TicketKeySet.DEFAULT_MAX_KEYS; i++) {
        keys.rotate();
      }
      ping(client, server.port());
      assertThat(((ServerView) server.nextEvent()).resumed()).as("ticket key rotated out").isFalse();
      ping(client, server.port());
      assertThat(((ServerView) server.nextEvent()).resumed()).as("new ticket").isTrue();
    }
  }

  @Test
  void unknownClientIsRefused() throws Exception {
    try (Server server = new Server(TestPki.server().clientAuth(ClientAuth.REQUIRED).build())) {
      var stranger = TestPki.OTHER.vehicles().get(0);
      TlcpContext client = TestPki.clientTrusting(TestPki.PKI)
          .signing(stranger.sign().privateKey(), stranger.sign().chain())
          .encryption(stranger.enc().privateKey(), stranger.enc().certificate()).build();
      assertThatThrownBy(() -> ping(client, server.port())).hasRootCauseInstanceOf(TlcpAlertException.class)
          .rootCause().hasMessageContaining("unknown_ca");
      assertThat(server.nextEvent()).isInstanceOf(TlcpAlertException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void tlsClientGetsProtocolVersion(String protocol) throws Exception {
    try (Server server = new Server(TestPki.server().build())) {
      SSLContext jdk = SSLContext.getInstance("TLS");
      jdk.init(null, null, null);
      try (SSLSocket socket = (SSLSocket) jdk.getSocketFactory().createSocket("127.0.0.1", server.port())) {
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {protocol});
        assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class)
            .hasMessageContaining("protocol_version");
      }
    }
  }

  @Test
  void malformedClientHelloGetsDecodeErrorAndClose() throws Exception {
    try (Server server = new Server(TestPki.server().build());
        Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      // A TLCP handshake record whose ClientHello claims a 240-byte session_id.
      byte[] body = new byte[40];
      body[0] = 1;
      body[1] = 1;
      body[34] = (byte) 0xF0;
      byte[] record = new byte[5 + 4 + body.length];
      record[0] = 22;
      record[1] = 1;
      record[2] = 1;
      record[4] = (byte) (4 + body.length);
      record[5] = 1;
      record[8] = (byte) body.length;
      System.arraycopy(body, 0, record, 9, body.length);
      OutputStream out = socket.getOutputStream();
      out.write(record);
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(in.readNBytes(7)).containsExactly(21, 1, 1, 0, 2, 2, Alert.DECODE_ERROR.code());
      assertThat(in.read()).as("then the server closes").isEqualTo(-1);
    }
  }

  @Test
  void garbageIsClosed() throws Exception {
    try (Server server = new Server(TestPki.server().build());
        Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // SslHandler itself refuses bytes that are no TLS/TLCP record (NotSslRecordException):
      // no alert is possible there, the connection is closed.
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }
}
