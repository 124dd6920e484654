package io.gmtls.tlcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLServerSocketFactory;

/** Server sockets of a {@link TlcpContext}: {@link TlcpServerSocket}s accepting TLCP connections. */
final class TlcpServerSocketFactory extends SSLServerSocketFactory {

  private final TlcpContext context;

  TlcpServerSocketFactory(TlcpContext context) {
    this.context = context;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return context.cipherSuites().stream().map(Enum::name).toArray(String[]::new);
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return context.newEngine(null, -1).getSupportedCipherSuites();
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new TlcpServerSocket(context);
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return new TlcpServerSocket(context, port, 50, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return new TlcpServerSocket(context, port, backlog, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
    return new TlcpServerSocket(context, port, backlog, address);
  }
}
