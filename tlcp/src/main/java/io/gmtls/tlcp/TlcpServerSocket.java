package io.gmtls.tlcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLServerSocket;

/**
 * A listening socket whose {@link #accept()} returns blocking TLCP server sockets
 * ({@link TlcpSocket}); the handshake runs on the first read, write or {@code startHandshake()}
 * of the accepted socket, not in {@code accept}. Settings made here apply to sockets accepted
 * afterwards.
 */
final class TlcpServerSocket extends SSLServerSocket {

  private final TlcpContext context;
  private volatile List<TlcpCipherSuite> suites;
  private volatile ClientAuth clientAuth;
  private volatile boolean clientMode;
  private volatile boolean sessionCreation = true;

  TlcpServerSocket(TlcpContext context) throws IOException {
    super();
    this.context = context;
    this.suites = context.cipherSuites();
    this.clientAuth = context.clientAuth();
  }

  TlcpServerSocket(TlcpContext context, int port, int backlog, InetAddress address) throws IOException {
    super(port, backlog, address);
    this.context = context;
    this.suites = context.cipherSuites();
    this.clientAuth = context.clientAuth();
  }

  @Override
  public Socket accept() throws IOException {
    Socket plain = new Socket();
    implAccept(plain);
    TlcpEngine engine = context.newEngine(null, -1);
    try {
      engine.setUseClientMode(clientMode);
      engine.setEnabledCipherSuites(getEnabledCipherSuites());
      engine.setEnableSessionCreation(sessionCreation);
      if (clientAuth == ClientAuth.REQUIRED) {
        engine.setNeedClientAuth(true);
      } else {
        engine.setWantClientAuth(clientAuth == ClientAuth.OPTIONAL);
      }
    } catch (RuntimeException e) {
      plain.close();
      throw e;
    }
    return new TlcpSocket(engine, plain, true);
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return suites.stream().map(Enum::name).toArray(String[]::new);
  }

  /** Same rules as {@link TlcpEngine#setEnabledCipherSuites}. */
  @Override
  public void setEnabledCipherSuites(String[] names) {
    TlcpEngine probe = context.newEngine(null, -1);
    probe.setEnabledCipherSuites(names);
    suites = probe.enabledSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return context.newEngine(null, -1).getSupportedCipherSuites();
  }

  @Override
  public String[] getSupportedProtocols() {
    return new String[] {TlcpSession.PROTOCOL};
  }

  @Override
  public String[] getEnabledProtocols() {
    return new String[] {TlcpSession.PROTOCOL};
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    context.newEngine(null, -1).setEnabledProtocols(protocols);
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    clientAuth = need ? ClientAuth.REQUIRED : ClientAuth.NONE;
  }

  @Override
  public boolean getNeedClientAuth() {
    return clientAuth == ClientAuth.REQUIRED;
  }

  @Override
  public void setWantClientAuth(boolean want) {
    clientAuth = want ? ClientAuth.OPTIONAL : ClientAuth.NONE;
  }

  @Override
  public boolean getWantClientAuth() {
    return clientAuth == ClientAuth.OPTIONAL;
  }

  /** Accepted sockets run as servers unless this is set (as the JDK allows). */
  @Override
  public void setUseClientMode(boolean mode) {
    clientMode = mode;
  }

  @Override
  public boolean getUseClientMode() {
    return clientMode;
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    sessionCreation = flag;
  }

  @Override
  public boolean getEnableSessionCreation() {
    return sessionCreation;
  }

  @Override
  public String toString() {
    return "TlcpServerSocket[" + getLocalSocketAddress() + "]";
  }
}
