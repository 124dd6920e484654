package io.gmtls.tlcp;

import io.gmtls.tlcp.record.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A blocking {@link SSLSocket} that runs a {@link TlcpEngine} over a plain TCP socket (the
 * "transport"), for code that wants sockets rather than engines (made by the
 * {@link TlcpProvider}'s socket factories). One reader and one writer thread may use it at once;
 * the handshake runs on the first read, write or {@link #startHandshake()}.
 *
 * <p>Closing sends close_notify and closes the transport (unless the socket was layered with
 * {@code autoClose = false}); it does not wait for the peer's close_notify. End of stream from the
 * peer without close_notify is reported as an {@link SSLException} (possible truncation).
 */
final class TlcpSocket extends SSLSocket {

  private final Socket transport;
  private final boolean autoClose;
  private final TlcpEngine engine;
  private final List<HandshakeCompletedListener> listeners = new CopyOnWriteArrayList<>();

  private final Object handshakeLock = new Object();
  private final Object readLock = new Object();
  private final Object writeLock = new Object();
  private volatile boolean handshakeDone;
  private volatile boolean closed;

  // Guarded by readLock: bytes from the transport (read mode), plaintext for the application.
  private final ByteBuffer netIn;
  private final ByteBuffer appIn;
  // Guarded by writeLock.
  private final ByteBuffer netOut;

  private final InputStream in = new AppInput();
  private final OutputStream out = new AppOutput();

  TlcpSocket(TlcpEngine engine, Socket transport, boolean autoClose) {
    this.engine = Objects.requireNonNull(engine);
    this.transport = Objects.requireNonNull(transport);
    this.autoClose = autoClose;
    SSLSession s = engine.getSession();
    // A peer's record may be larger than the largest this engine writes (getPacketBufferSize).
    this.netIn = ByteBuffer.allocate(ContentType.MAX_RECORD);
    this.netIn.flip();
    this.appIn = ByteBuffer.allocate(s.getApplicationBufferSize());
    this.appIn.flip();
    this.netOut = ByteBuffer.allocate(s.getPacketBufferSize());
  }

  TlcpEngine engine() {
    return engine;
  }

  // ------------------------------------------------------------------ handshake

  @Override
  public void startHandshake() throws IOException {
    synchronized (handshakeLock) {
      if (handshakeDone) {
        return;
      }
      checkOpen();
      synchronized (readLock) {
        synchronized (writeLock) {
          try {
            engine.beginHandshake();
            while (true) {
              HandshakeStatus hs = engine.getHandshakeStatus();
              if (hs == HandshakeStatus.NEED_WRAP) {
                wrapAndSend(ByteBuffer.allocate(0));
              } else if (hs == HandshakeStatus.NEED_UNWRAP) {
                if (!unwrapSome()) {
                  throw new SSLException("connection closed during the handshake");
                }
              } else {
                break;
              }
            }
          } catch (IOException | RuntimeException e) {
            failAndClose();
            throw e;
          }
          handshakeDone = true;
        }
      }
    }
    if (!listeners.isEmpty()) {
      HandshakeCompletedEvent event = new HandshakeCompletedEvent(this, engine.getSession());
      for (HandshakeCompletedListener l : listeners) {
        l.handshakeCompleted(event);
      }
    }
  }

  private void ensureHandshake() throws IOException {
    if (!handshakeDone) {
      startHandshake();
    }
  }

  /** After a failure: send the alert the engine queued (best effort), then close. */
  private void failAndClose() {
    try {
      synchronized (writeLock) {
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
          wrapAndSend(ByteBuffer.allocate(0));
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // The peer may be gone already; the original failure is what the caller sees.
    }
    closeTransport();
  }

  // ------------------------------------------------------------------ record I/O

  /** Wraps {@code src} (possibly empty) once and writes the record(s). Caller holds writeLock. */
  private SSLEngineResult wrapAndSend(ByteBuffer src) throws IOException {
    netOut.clear();
    SSLEngineResult r = engine.wrap(src, netOut);
    if (r.bytesProduced() > 0) {
      transport.getOutputStream().write(netOut.array(), 0, netOut.position());
      transport.getOutputStream().flush();
    }
    return r;
  }

  /**
   * Unwraps one record into appIn, reading from the transport as needed, and sends whatever the
   * engine wants to send in reply (alerts, no_renegotiation). Caller holds readLock.
   *
   * @return false at the end of the stream (after close_notify, or an engine that is done)
   */
  private boolean unwrapSome() throws IOException {
    while (true) {
      if (engine.isInboundDone()) {
        flushPending();
        return false;
      }
      appIn.compact();
      SSLEngineResult r;
      try {
        r = engine.unwrap(netIn, appIn);
      } catch (SSLException e) {
        appIn.flip();
        throw e;
      }
      appIn.flip();
      flushPending();
      switch (r.getStatus()) {
        case CLOSED -> {
          return false;
        }
        case OK, BUFFER_UNDERFLOW -> {
          if (r.bytesConsumed() > 0 || r.bytesProduced() > 0) {
            return true;
          }
          if (!readTransport()) {
            engine.closeInbound(); // throws: the peer closed without close_notify
            return false;
          }
        }
        case BUFFER_OVERFLOW -> throw new SSLException("engine asked for more than a record of room");
      }
    }
  }

  private void flushPending() throws IOException {
    if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP || engine.isInboundDone()) {
      synchronized (writeLock) {
        while (!engine.isOutboundDone() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
          if (wrapAndSend(ByteBuffer.allocate(0)).bytesProduced() == 0) {
            break;
          }
        }
      }
    }
  }

  /** Reads more bytes into netIn; false at end of stream. Caller holds readLock. */
  private boolean readTransport() throws IOException {
    netIn.compact();
    try {
      if (!netIn.hasRemaining()) {
        throw new SSLException("record larger than the packet buffer");
      }
      int n = transport.getInputStream().read(netIn.array(), netIn.position(), netIn.remaining());
      if (n < 0) {
        return false;
      }
      netIn.position(netIn.position() + n);
      return true;
    } finally {
      netIn.flip();
    }
  }

  private final class AppInput extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      ensureHandshake();
      synchronized (readLock) {
        while (!appIn.hasRemaining()) {
          checkOpen();
          if (!unwrapSome() && !appIn.hasRemaining()) {
            return -1;
          }
        }
        int n = Math.min(len, appIn.remaining());
        appIn.get(b, off, n);
        return n;
      }
    }

    @Override
    public int available() {
      synchronized (readLock) {
        return appIn.remaining();
      }
    }

    @Override
    public void close() throws IOException {
      TlcpSocket.this.close();
    }
  }

  private final class AppOutput extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      ensureHandshake();
      synchronized (writeLock) {
        checkOpen();
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        while (src.hasRemaining()) {
          SSLEngineResult r = wrapAndSend(src);
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SocketException("connection is closed");
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      TlcpSocket.this.close();
    }
  }

  private void checkOpen() throws IOException {
    if (closed || transport.isClosed()) {
      throw new SocketException("socket is closed");
    }
    if (!transport.isConnected()) {
      throw new SocketException("socket is not connected");
    }
  }

  // ------------------------------------------------------------------ closing

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (handshakeDone && transport.isConnected() && !transport.isClosed()) {
      try {
        synchronized (writeLock) {
          engine.closeOutbound();
          while (!engine.isOutboundDone()) {
            if (wrapAndSend(ByteBuffer.allocate(0)).bytesProduced() == 0) {
              break;
            }
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // close_notify is a courtesy; the transport is closed below either way.
      }
    }
    closeTransport();
  }

  private void closeTransport() {
    closed = true;
    if (autoClose) {
      try {
        transport.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed || transport.isClosed();
  }

  @Override
  public InputStream getInputStream() throws IOException {
    checkOpen();
    return in;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    checkOpen();
    return out;
  }

  /** TLCP cannot half-close: as with the JDK's SSLSocket. */
  @Override
  public void shutdownInput() throws IOException {
    throw new SocketException("shutdownInput is not supported on a TLCP socket; use close()");
  }

  /** TLCP cannot half-close: as with the JDK's SSLSocket. */
  @Override
  public void shutdownOutput() throws IOException {
    throw new SocketException("shutdownOutput is not supported on a TLCP socket; use close()");
  }

  // ------------------------------------------------------------------ SSLSocket settings

  @Override
  public String[] getSupportedCipherSuites() {
    return engine.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return engine.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    engine.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return engine.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return engine.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    engine.setEnabledProtocols(protocols);
  }

  /**
   * The session, after running the handshake if it has not run (as the JDK does); the
   * placeholder session if the handshake fails.
   */
  @Override
  public SSLSession getSession() {
    try {
      ensureHandshake();
    } catch (IOException e) {
      return engine.getSession();
    }
    return engine.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return engine.getHandshakeSession();
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    if (!listeners.remove(listener)) {
      throw new IllegalArgumentException("listener is not registered");
    }
  }

  @Override
  public void setUseClientMode(boolean mode) {
    engine.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return engine.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    engine.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return engine.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    engine.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return engine.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    engine.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return engine.getEnableSessionCreation();
  }

  @Override
  public String getApplicationProtocol() {
    return engine.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return engine.getHandshakeApplicationProtocol();
  }

  // ------------------------------------------------------------------ the transport's Socket API

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    transport.connect(endpoint, timeout);
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    transport.connect(endpoint);
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    transport.bind(bindpoint);
  }

  @Override
  public InetAddress getInetAddress() {
    return transport.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return transport.getLocalAddress();
  }

  @Override
  public int getPort() {
    return transport.getPort();
  }

  @Override
  public int getLocalPort() {
    return transport.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return transport.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return transport.getLocalSocketAddress();
  }

  @Override
  public boolean isConnected() {
    return transport.isConnected();
  }

  @Override
  public boolean isBound() {
    return transport.isBound();
  }

  @Override
  public boolean isInputShutdown() {
    return transport.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return transport.isOutputShutdown();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    transport.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return transport.getSoTimeout();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    transport.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return transport.getTcpNoDelay();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    transport.setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return transport.getKeepAlive();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    transport.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return transport.getSoLinger();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    transport.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return transport.getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    transport.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return transport.getReceiveBufferSize();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    transport.setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return transport.getReuseAddress();
  }

  @Override
  public String toString() {
    return "TlcpSocket[" + (engine.getUseClientMode() ? "client" : "server") + ", " + transport + "]";
  }
}
