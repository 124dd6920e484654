package io.gmtls.tlcp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The JSSE view of a {@link TlcpSessionCache}: the server side (sessions by ID) or the client
 * side (one session per server). Differences from the JDK, on purpose: a cache size of 0 turns
 * caching off rather than meaning "unbounded" (an unbounded cache is a memory-exhaustion risk on
 * a gateway); a timeout of 0 means "as long as the certificates are valid" (about 68 years).
 */
final class TlcpSessionContext implements SSLSessionContext {

  private static final Duration UNLIMITED = Duration.ofSeconds(Integer.MAX_VALUE);

  private final TlcpContext context;
  private final boolean server;

  TlcpSessionContext(TlcpContext context, boolean server) {
    this.context = context;
    this.server = server;
  }

  private TlcpSessionCache cache() {
    return context.sessionCache();
  }

  @Override
  public SSLSession getSession(byte[] sessionId) {
    if (sessionId == null) {
      throw new NullPointerException("sessionId");
    }
    SessionState s = null;
    if (server) {
      s = cache().peekServer(sessionId);
    } else {
      for (SessionState c : cache().clientSessions()) {
        if (Arrays.equals(c.id(), sessionId) && cache().fresh(c)) {
          s = c;
        }
      }
    }
    return s == null ? null
        : new TlcpSession(context, s, null, -1, false, !server, context.localCertificates());
  }

  @Override
  public Enumeration<byte[]> getIds() {
    List<byte[]> ids;
    if (server) {
      ids = cache().serverIds();
    } else {
      ids = new ArrayList<>();
      for (SessionState c : cache().clientSessions()) {
        if (c.id().length > 0) {
          ids.add(c.id().clone());
        }
      }
    }
    return Collections.enumeration(ids);
  }

  @Override
  public void setSessionTimeout(int seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException("session timeout must be >= 0, was " + seconds);
    }
    cache().setTimeout(seconds == 0 ? UNLIMITED : Duration.ofSeconds(seconds));
  }

  @Override
  public int getSessionTimeout() {
    return (int) Math.min(Integer.MAX_VALUE, cache().timeout().toSeconds());
  }

  @Override
  public void setSessionCacheSize(int size) {
    cache().setMaxSize(size);
  }

  @Override
  public int getSessionCacheSize() {
    return cache().maxSize();
  }

  @Override
  public String toString() {
    return "TlcpSessionContext[" + (server ? "server" : "client") + ", " + cache() + "]";
  }
}
