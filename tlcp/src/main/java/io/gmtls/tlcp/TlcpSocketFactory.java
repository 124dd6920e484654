package io.gmtls.tlcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Client sockets of a {@link TlcpContext}: blocking {@link TlcpSocket}s in client mode. The host
 * name given (or the address literal, for the {@link InetAddress} variants) keys the client
 * session cache and is checked against the server certificate unless host name verification is
 * off.
 */
final class TlcpSocketFactory extends SSLSocketFactory {

  private final TlcpContext context;

  TlcpSocketFactory(TlcpContext context) {
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

  /** Layers TLCP over a connected socket (what HTTP clients do after connecting, e.g. via a proxy). */
  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    if (!s.isConnected()) {
      throw new SocketException("the socket to layer over is not connected");
    }
    return new TlcpSocket(context.newEngine(host, port), s, autoClose);
  }

  /** An unconnected socket: call {@code connect} before using it. */
  @Override
  public Socket createSocket() {
    return new TlcpSocket(context.newEngine(null, -1), new Socket(), true);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return new TlcpSocket(context.newEngine(host, port), new Socket(host, port), true);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return new TlcpSocket(context.newEngine(host, port), new Socket(host, port, localHost, localPort), true);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return new TlcpSocket(context.newEngine(host.getHostAddress(), port), new Socket(host, port), true);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return new TlcpSocket(context.newEngine(address.getHostAddress(), port),
        new Socket(address, port, localAddress, localPort), true);
  }

  @Override
  public String toString() {
    return "TlcpSocketFactory[" + context + "]";
  }
}
