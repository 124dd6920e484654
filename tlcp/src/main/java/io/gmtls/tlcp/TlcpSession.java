package io.gmtls.tlcp;

import io.gmtls.tlcp.handshake.Certificates;
import io.gmtls.tlcp.record.ContentType;
import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionBindingEvent;
import javax.net.ssl.SSLSessionBindingListener;
import javax.net.ssl.SSLSessionContext;

/**
 * The {@link SSLSession} of a TLCP connection. Before the handshake completes it is a placeholder
 * (cipher suite {@code SSL_NULL_WITH_NULL_NULL}, protocol {@code NONE}) that still reports the
 * buffer sizes. Peer certificates are kept as DER (arrays shared with the other sessions of the
 * same certificates) and parsed on request through a bounded cache of parsed certificates, so an
 * idle connection holds no parsed certificate of its own and a request costs a lookup.
 */
public final class TlcpSession implements SSLSession {

  /** The protocol name {@link #getProtocol()} reports. */
  public static final String PROTOCOL = "TLCPv1.1";

  private final TlcpContext context;
  private final SessionState state;
  private final String peerHost;
  private final int peerPort;
  private final boolean resumed;
  private final boolean clientSide;
  private final List<X509Certificate> localCertificates;
  private final long creationTime;
  private volatile long lastAccessedTime;
  private volatile boolean invalidated;
  private volatile Map<String, Object> values;

  TlcpSession(TlcpContext context, SessionState state, String peerHost, int peerPort,
      boolean resumed, boolean clientSide, List<X509Certificate> localCertificates) {
    this.context = context;
    this.state = state;
    this.peerHost = peerHost;
    this.peerPort = peerPort;
    this.resumed = resumed;
    this.clientSide = clientSide;
    this.localCertificates = localCertificates;
    this.creationTime = state == null ? System.currentTimeMillis() : state.creationMillis();
    this.lastAccessedTime = System.currentTimeMillis();
  }

  static TlcpSession placeholder(String peerHost, int peerPort) {
    return new TlcpSession(null, null, peerHost, peerPort, false, false, List.of());
  }

  SessionState state() {
    return state;
  }

  /** True if this connection resumed an earlier session (abbreviated handshake). */
  public boolean resumed() {
    return resumed;
  }

  /** The peer's signing certificate, or null if the peer sent none. */
  public X509Certificate signingCertificate() {
    return peerCertificate(0);
  }

  /** The peer's encryption certificate, or null if the peer sent none. */
  public X509Certificate encryptionCertificate() {
    X509Certificate c = peerCertificate(1);
    return c == null || c.getBasicConstraints() >= 0 ? null : c;
  }

  private X509Certificate peerCertificate(int i) {
    if (state == null || state.peerCertificates().size() <= i) {
      return null;
    }
    try {
      return Certificates.fromDer(state.peerCertificates().get(i));
    } catch (CertificateException e) {
      return null;
    }
  }

  /** The negotiated suite, or null before the handshake completes. */
  public TlcpCipherSuite cipherSuite() {
    return state == null ? null : state.suite();
  }

  @Override
  public byte[] getId() {
    return state == null ? new byte[0] : state.id().clone();
  }

  /** The JSSE view of the context's session cache (client or server side); null before the handshake. */
  @Override
  public SSLSessionContext getSessionContext() {
    return context == null ? null : new TlcpSessionContext(context, !clientSide);
  }

  @Override
  public long getCreationTime() {
    return creationTime;
  }

  @Override
  public long getLastAccessedTime() {
    return lastAccessedTime;
  }

  void touch() {
    lastAccessedTime = System.currentTimeMillis();
  }

  @Override
  public void invalidate() {
    invalidated = true;
    if (context != null && state != null) {
      if (state.id().length > 0) {
        context.sessionCache().invalidate(state.id());
      }
      if (peerHost != null) {
        context.sessionCache().removeClient(peerHost + ":" + peerPort, state);
      }
    }
  }

  @Override
  public boolean isValid() {
    return state != null && !invalidated && context.sessionCache().fresh(state);
  }

  @Override
  public void putValue(String name, Object value) {
    Map<String, Object> map = values;
    if (map == null) {
      synchronized (this) {
        if (values == null) {
          values = new ConcurrentHashMap<>();
        }
        map = values;
      }
    }
    Object old = map.put(name, value);
    if (old instanceof SSLSessionBindingListener l) {
      l.valueUnbound(new SSLSessionBindingEvent(this, name));
    }
    if (value instanceof SSLSessionBindingListener l) {
      l.valueBound(new SSLSessionBindingEvent(this, name));
    }
  }

  @Override
  public Object getValue(String name) {
    Map<String, Object> map = values;
    return map == null ? null : map.get(name);
  }

  @Override
  public void removeValue(String name) {
    Map<String, Object> map = values;
    Object old = map == null ? null : map.remove(name);
    if (old instanceof SSLSessionBindingListener l) {
      l.valueUnbound(new SSLSessionBindingEvent(this, name));
    }
  }

  @Override
  public String[] getValueNames() {
    Map<String, Object> map = values;
    return map == null ? new String[0] : map.keySet().toArray(new String[0]);
  }

  /**
   * Whether the peer authenticated with certificates that verified (a server always does; a
   * client when client authentication took place). When true, {@link #getPeerCertificates()}
   * returns them: the handshake refuses a path whose certificates cannot be parsed.
   */
  public boolean peerAuthenticated() {
    return state != null && !state.peerCertificates().isEmpty();
  }

  /**
   * The peer's verified certificates: signing certificate first, then the encryption certificate
   * if the peer sent one, then the CA certificates on their paths to the trust anchor (the anchor
   * itself left out). Certificates the peer sent that are on no verified path are not kept.
   */
  @Override
  public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
    if (state == null || state.peerCertificates().isEmpty()) {
      throw new SSLPeerUnverifiedException("peer not authenticated");
    }
    try {
      return Certificates.fromDer(state.peerCertificates()).toArray(new X509Certificate[0]);
    } catch (CertificateException e) {
      throw new SSLPeerUnverifiedException("peer certificates cannot be parsed");
    }
  }

  @Override
  public Certificate[] getLocalCertificates() {
    return localCertificates.isEmpty() ? null : localCertificates.toArray(new X509Certificate[0]);
  }

  @Override
  public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
    return ((X509Certificate) getPeerCertificates()[0]).getSubjectX500Principal();
  }

  @Override
  public Principal getLocalPrincipal() {
    return localCertificates.isEmpty() ? null : localCertificates.get(0).getSubjectX500Principal();
  }

  @Override
  public String getCipherSuite() {
    return state == null ? "SSL_NULL_WITH_NULL_NULL" : state.suite().name();
  }

  @Override
  public String getProtocol() {
    return state == null ? "NONE" : PROTOCOL;
  }

  @Override
  public String getPeerHost() {
    return peerHost;
  }

  @Override
  public int getPeerPort() {
    return peerPort;
  }

  /**
   * The largest record this engine writes ({@link ContentType#MAX_WRITTEN_RECORD}: header plus
   * 2^14 + 64): room enough for {@code wrap}. A peer's record may be larger (up to header plus
   * 2^14 + 2048, which {@code unwrap} accepts): a reader sizing its network buffer should use
   * {@link ContentType#MAX_RECORD}.
   */
  @Override
  public int getPacketBufferSize() {
    return ContentType.MAX_WRITTEN_RECORD;
  }

  /** The largest plaintext of one record, 2^14. */
  @Override
  public int getApplicationBufferSize() {
    return ContentType.MAX_PLAINTEXT;
  }

  @Override
  public String toString() {
    return "TlcpSession[" + getProtocol() + ", " + getCipherSuite() + (resumed ? ", resumed" : "") + "]";
  }
}
