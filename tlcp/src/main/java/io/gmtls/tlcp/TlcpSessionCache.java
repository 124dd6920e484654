package io.gmtls.tlcp;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The session caches of one {@link TlcpContext}: server sessions by session ID, and client
 * sessions by {@code host:port} of the server. Both are LRU maps bounded by
 * {@code sessionCacheSize} entries; entries older than {@code sessionTimeout} are never returned.
 * Thread-safe. Internal: {@link TlcpSessionContext} is its public (JSSE) view.
 */
final class TlcpSessionCache {

  // Adjustable through the JSSE SSLSessionContext view; read without the lock.
  private volatile int maxSize;
  private volatile long timeoutMillis;
  private final Clock clock;
  private final Map<IdKey, SessionState> server;
  private final Map<String, SessionState> client;

  TlcpSessionCache(int maxSize, Duration timeout, Clock clock) {
    this.maxSize = maxSize;
    this.timeoutMillis = timeout.toMillis();
    this.clock = clock;
    this.server = lru();
    this.client = lru();
  }

  private <K> Map<K, SessionState> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, SessionState> eldest) {
        return size() > maxSize;
      }
    };
  }

  /** Entries per cache; 0 when caching is off. */
  public int maxSize() {
    return maxSize;
  }

  /** Changes the bound (0 turns caching off); the least recently used entries go first. */
  public synchronized void setMaxSize(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("session cache size must be >= 0, was " + n);
    }
    maxSize = n;
    trim(server);
    trim(client);
  }

  private void trim(Map<?, SessionState> map) {
    var it = map.entrySet().iterator();
    while (map.size() > maxSize && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /** Session lifetime. */
  public Duration timeout() {
    return Duration.ofMillis(timeoutMillis);
  }

  /** Changes the session lifetime (also for sessions already cached and for tickets). */
  public void setTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("session timeout must be positive, was " + timeout);
    }
    timeoutMillis = timeout.toMillis();
  }

  /** Server session IDs held now. */
  synchronized List<byte[]> serverIds() {
    List<byte[]> ids = new ArrayList<>(server.size());
    server.keySet().forEach(k -> ids.add(k.id().clone()));
    return ids;
  }

  /** The fresh server session with that ID (the JSSE view's lookup); null if none. */
  synchronized SessionState peekServer(byte[] id) {
    SessionState s = server.get(new IdKey(id));
    return s != null && fresh(s) ? s : null;
  }

  /** Client sessions held now (one per server). */
  synchronized List<SessionState> clientSessions() {
    return new ArrayList<>(client.values());
  }

  /** Whether sessions are cached at all (size &gt; 0). */
  public boolean enabled() {
    return maxSize > 0;
  }

  /** Server sessions plus client sessions held now (expired ones included until evicted). */
  public synchronized int size() {
    return server.size() + client.size();
  }

  /** Removes a server session. */
  public synchronized boolean invalidate(byte[] sessionId) {
    return server.remove(new IdKey(sessionId)) != null;
  }

  boolean fresh(SessionState s) {
    long now = clock.millis();
    return now - s.creationMillis() < timeoutMillis && now < s.notAfterMillis();
  }

  synchronized void putServer(SessionState s) {
    if (maxSize > 0 && s.id().length > 0) {
      server.put(new IdKey(s.id()), s);
    }
  }

  synchronized SessionState getServer(byte[] id) {
    SessionState s = maxSize > 0 ? server.get(new IdKey(id)) : null;
    return usable(s);
  }

  synchronized void putClient(String peer, SessionState s) {
    if (maxSize > 0 && peer != null) {
      client.put(peer, s);
    }
  }

  synchronized SessionState getClient(String peer) {
    SessionState s = maxSize > 0 && peer != null ? client.get(peer) : null;
    return usable(s);
  }

  synchronized void removeClient(String peer, SessionState s) {
    if (peer != null) {
      client.remove(peer, s);
    }
  }

  private SessionState usable(SessionState s) {
    return s != null && fresh(s) ? s : null;
  }

  private record IdKey(byte[] id) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IdKey k && Arrays.equals(id, k.id);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(id);
    }
  }

  @Override
  public String toString() {
    return "TlcpSessionCache[max=" + maxSize + ", size=" + size() + "]";
  }
}
