package io.gmtls.tlcp;

import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.record.ContentType;
import io.gmtls.tlcp.record.RecordProtection;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLCP 1.1 {@link SSLEngine}, client or server, made by {@link TlcpContext}. Implements the
 * record layer (GB/T 38636-2020 clause 6.3) and drives a {@link ServerHandshaker} or
 * {@link ClientHandshaker}.
 *
 * <p>SSLEngine contract as Netty's {@code SslHandler} relies on it: one record per
 * {@code unwrap} (empty application-data records are skipped within the call), whole records per
 * {@code wrap} (as many queued records as fit in {@code dst}, at least one); BUFFER_UNDERFLOW without consuming anything while a record is incomplete;
 * BUFFER_OVERFLOW when {@code dst} cannot take one record (never asking for more than the
 * session's buffer sizes); FINISHED exactly once, in the result of the call that completes the
 * handshake. SM2 operations run inline (no delegated tasks). A failure throws
 * {@link TlcpAlertException}; the fatal alert is then waiting for the next {@code wrap}.
 *
 * <p>Framing: every handshake message we send goes in a record of its own (a message larger than
 * 2^14 in as many records as it needs, with nothing else in them), as Tongsuo and GmSSL do; GmSSL's
 * record reader refuses a record holding more than one message. On input, messages may be
 * coalesced in one record or fragmented across several.
 *
 * <p>Memory: outside a handshake the engine keeps the record protections and the session (DER
 * peer certificates, master secret); buffers exist only while a record or flight is in
 * transit.
 */
public final class TlcpEngine extends SSLEngine {

  /** Handshake messages larger than this are refused (illegal_parameter). */
  static final int MAX_HANDSHAKE_MESSAGE = 64 * 1024;
  /** Empty application-data records accepted in a row (Tongsuo sends one before each record). */
  static final int MAX_EMPTY_RECORDS = 32;
  /** Warning alerts accepted in a row, renegotiation attempts refused, before giving up. */
  static final int MAX_WARNINGS = 8;
  static final int MAX_RENEGOTIATION_REFUSALS = 3;

  private final TlcpContext context;
  private boolean clientMode;
  private ClientAuth clientAuth;
  private List<TlcpCipherSuite> enabledSuites;
  private boolean sessionCreation = true;

  private Handshaker handshaker;
  private boolean handshakeStarted;
  private boolean handshakeComplete;
  private boolean reportFinished;
  private TlcpSession session;
  private TlcpSession placeholder;

  private RecordProtection readProtection = RecordProtection.none();
  private RecordProtection writeProtection = RecordProtection.none();
  private RecordProtection pendingRead;
  private ArrayDeque<byte[]> outbound;
  private byte[] handshakeIn;
  private int handshakeInLength;
  private boolean anyRecordReceived;
  private int alertRecordVersion = ContentType.VERSION;

  private int emptyRecords;
  private int warnings;
  private int renegotiationRefusals;
  private int helloRequestsIgnored;

  private boolean inboundDone;
  private boolean outboundDone;
  private boolean closeQueued;
  private boolean closeNotifyReceived;
  private boolean failed;

  TlcpEngine(TlcpContext context, boolean clientMode, String peerHost, int peerPort) {
    super(peerHost, peerPort);
    this.context = context;
    this.clientMode = clientMode;
    this.clientAuth = context.clientAuth();
    this.enabledSuites = context.cipherSuites();
  }

  // ---------------------------------------------------------------- configuration

  TlcpContext context() {
    return context;
  }

  ClientAuth clientAuth() {
    return clientAuth;
  }

  List<TlcpCipherSuite> enabledSuites() {
    return enabledSuites;
  }

  boolean sessionCreation() {
    return sessionCreation;
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return Arrays.stream(TlcpCipherSuite.values()).map(Enum::name).toArray(String[]::new);
  }

  @Override
  public synchronized String[] getEnabledCipherSuites() {
    return enabledSuites.stream().map(Enum::name).toArray(String[]::new);
  }

  /**
   * Restricts the suites to those named (enum names; OpenSSL names are accepted too); unknown
   * names are ignored, as JSSE engines ignore suites of other protocols.
   *
   * @throws IllegalArgumentException if none is left
   */
  @Override
  public synchronized void setEnabledCipherSuites(String[] suites) {
    List<TlcpCipherSuite> list = new ArrayList<>();
    for (String s : suites) {
      for (TlcpCipherSuite c : TlcpCipherSuite.values()) {
        if ((c.name().equals(s) || c.openSslName().equals(s)) && !list.contains(c)) {
          list.add(c);
        }
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no TLCP cipher suite in " + Arrays.toString(suites));
    }
    enabledSuites = List.copyOf(list);
  }

  @Override
  public String[] getSupportedProtocols() {
    return new String[] {TlcpSession.PROTOCOL};
  }

  @Override
  public String[] getEnabledProtocols() {
    return new String[] {TlcpSession.PROTOCOL};
  }

  /**
   * Accepts only {@code TLCPv1.1}.
   *
   * @throws IllegalArgumentException for any other protocol set
   */
  @Override
  public void setEnabledProtocols(String[] protocols) {
    if (protocols.length != 1 || !TlcpSession.PROTOCOL.equals(protocols[0])) {
      throw new IllegalArgumentException("this engine speaks " + TlcpSession.PROTOCOL + " only");
    }
  }

  @Override
  public synchronized SSLSession getSession() {
    return session != null ? session : placeholder();
  }

  @Override
  public synchronized SSLSession getHandshakeSession() {
    return handshaker == null ? null : placeholder();
  }

  private TlcpSession placeholder() {
    if (placeholder == null) {
      placeholder = TlcpSession.placeholder(getPeerHost(), getPeerPort());
    }
    return placeholder;
  }

  /** ALPN is not part of TLCP: "" once the handshake is done, null before. */
  @Override
  public synchronized String getApplicationProtocol() {
    return handshakeComplete ? "" : null;
  }

  @Override
  public synchronized String getHandshakeApplicationProtocol() {
    return null;
  }

  @Override
  public synchronized void setUseClientMode(boolean mode) {
    if (handshakeStarted) {
      throw new IllegalArgumentException("cannot change mode after the handshake started");
    }
    if (!mode && context.identity() == null) {
      throw new IllegalArgumentException("context has no server identity");
    }
    clientMode = mode;
  }

  @Override
  public synchronized boolean getUseClientMode() {
    return clientMode;
  }

  @Override
  public synchronized void setNeedClientAuth(boolean need) {
    clientAuth = need ? ClientAuth.REQUIRED : ClientAuth.NONE;
  }

  @Override
  public synchronized boolean getNeedClientAuth() {
    return clientAuth == ClientAuth.REQUIRED;
  }

  @Override
  public synchronized void setWantClientAuth(boolean want) {
    clientAuth = want ? ClientAuth.OPTIONAL : ClientAuth.NONE;
  }

  @Override
  public synchronized boolean getWantClientAuth() {
    return clientAuth == ClientAuth.OPTIONAL;
  }

  @Override
  public synchronized void setEnableSessionCreation(boolean flag) {
    sessionCreation = flag;
  }

  @Override
  public synchronized boolean getEnableSessionCreation() {
    return sessionCreation;
  }

  /** No delegated tasks: SM2 operations run inside wrap/unwrap. */
  @Override
  public Runnable getDelegatedTask() {
    return null;
  }

  // ---------------------------------------------------------------- handshake status

  @Override
  public synchronized void beginHandshake() throws SSLException {
    if (handshakeComplete) {
      throw new SSLException("renegotiation is not supported");
    }
    if (inboundDone || outboundDone || closeQueued) {
      throw new SSLException("engine is closed");
    }
    startHandshake();
  }

  private void startHandshake() throws SSLException {
    if (handshakeStarted) {
      return;
    }
    handshakeStarted = true;
    if (clientMode && getPeerHost() == null && !context.allowNoHostname()) {
      // Without the host name nothing ties the server certificate to the server meant: any
      // certificate of the PKI (another vehicle's) would do. Fail before the ClientHello.
      throw fail(new TlcpAlertException(Alert.INTERNAL_ERROR,
          "client engine without the server's host name (make it with a host,"
          + " or build the context with allowNoHostname(true))"));
    }
    handshaker = clientMode ? new ClientHandshaker(this) : new ServerHandshaker(this);
    try {
      handshaker.start();
    } catch (TlcpAlertException e) {
      throw fail(e);
    } catch (RuntimeException e) {
      throw fail(new TlcpAlertException(Alert.INTERNAL_ERROR, "handshake start failed", e));
    }
  }

  @Override
  public synchronized HandshakeStatus getHandshakeStatus() {
    return status();
  }

  private HandshakeStatus status() {
    if (hasPendingOutput()) {
      return HandshakeStatus.NEED_WRAP;
    }
    if (handshaker != null) {
      return HandshakeStatus.NEED_UNWRAP;
    }
    return HandshakeStatus.NOT_HANDSHAKING;
  }

  private boolean hasPendingOutput() {
    return outbound != null && !outbound.isEmpty();
  }

  private SSLEngineResult result(Status s, int consumed, int produced) {
    HandshakeStatus hs;
    if (reportFinished && !hasPendingOutput()) {
      reportFinished = false;
      hs = HandshakeStatus.FINISHED;
    } else {
      hs = status();
    }
    return new SSLEngineResult(s, hs, consumed, produced);
  }

  // ---------------------------------------------------------------- wrap

  @Override
  public synchronized SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
      throws SSLException {
    checkArgs(srcs, offset, length);
    if (dst.isReadOnly()) {
      throw new ReadOnlyBufferException();
    }
    if (!handshakeStarted && !outboundDone && !closeQueued) {
      startHandshake();
    }
    if (hasPendingOutput()) {
      int produced = 0;
      while (!outbound.isEmpty() && outbound.peek().length <= dst.remaining()) {
        byte[] r = outbound.poll();
        dst.put(r);
        produced += r.length;
      }
      if (produced == 0) {
        return result(Status.BUFFER_OVERFLOW, 0, 0);
      }
      if (outbound.isEmpty()) {
        outbound = null;
        if (failed || closeQueued) {
          outboundDone = true;
        }
      }
      return result(outboundDone ? Status.CLOSED : Status.OK, 0, produced);
    }
    if (outboundDone || closeQueued || failed) {
      outboundDone = true;
      return result(Status.CLOSED, 0, 0);
    }
    if (!handshakeComplete) {
      return result(Status.OK, 0, 0);
    }
    int available = 0;
    for (int i = offset; i < offset + length; i++) {
      available += srcs[i].remaining();
      if (available >= ContentType.MAX_PLAINTEXT) {
        break;
      }
    }
    if (available == 0) {
      return result(Status.OK, 0, 0);
    }
    int n = Math.min(available, ContentType.MAX_PLAINTEXT);
    int recordLength = ContentType.HEADER + writeProtection.sealedLength(n);
    if (dst.remaining() < recordLength) {
      return result(Status.BUFFER_OVERFLOW, 0, 0);
    }
    byte[] record = new byte[recordLength];
    int pos = ContentType.HEADER + writeProtection.prefix();
    int left = n;
    for (int i = offset; i < offset + length && left > 0; i++) {
      int take = Math.min(left, srcs[i].remaining());
      srcs[i].get(record, pos, take);
      pos += take;
      left -= take;
    }
    int fragment = writeProtection.seal(ContentType.APPLICATION_DATA, record, ContentType.HEADER, n);
    writeHeader(record, ContentType.APPLICATION_DATA, fragment, ContentType.VERSION);
    dst.put(record, 0, ContentType.HEADER + fragment);
    if (session != null) {
      session.touch();
    }
    return result(Status.OK, n, ContentType.HEADER + fragment);
  }

  private static void checkArgs(ByteBuffer[] bufs, int offset, int length) {
    if (bufs == null || offset < 0 || length < 0 || offset > bufs.length - length) {
      throw new IndexOutOfBoundsException("bad buffer array bounds");
    }
    for (int i = offset; i < offset + length; i++) {
      if (bufs[i] == null) {
        throw new IllegalArgumentException("null buffer at " + i);
      }
    }
  }

  private static void writeHeader(byte[] record, int type, int fragmentLength, int version) {
    record[0] = (byte) type;
    record[1] = (byte) (version >>> 8);
    record[2] = (byte) version;
    record[3] = (byte) (fragmentLength >>> 8);
    record[4] = (byte) fragmentLength;
  }

  // ---------------------------------------------------------------- output used by handshakers

  /**
   * Queues an encoded handshake message in a record of its own (several if it is longer than
   * 2^14), protected with the current write protection. GmSSL requires the one-message-per-record
   * framing; Tongsuo writes it too.
   */
  void writeHandshake(byte[] message) {
    for (int off = 0; off < message.length; off += ContentType.MAX_PLAINTEXT) {
      queueRecord(ContentType.HANDSHAKE, message, off, Math.min(ContentType.MAX_PLAINTEXT, message.length - off));
    }
  }

  /** Sends ChangeCipherSpec and protects everything after it with {@code next}. */
  void changeWriteCipher(RecordProtection next) {
    queueRecord(ContentType.CHANGE_CIPHER_SPEC, new byte[] {1}, 0, 1);
    writeProtection = next;
  }

  /** The protection that takes over reading at the peer's ChangeCipherSpec. */
  void setPendingRead(RecordProtection next) {
    pendingRead = next;
  }

  void sendWarning(Alert alert) {
    queueRecord(ContentType.ALERT, new byte[] {Alert.LEVEL_WARNING, (byte) alert.code()}, 0, 2);
  }

  private void queueRecord(int type, byte[] data, int off, int len) {
    byte[] record = new byte[ContentType.HEADER + writeProtection.sealedLength(len)];
    System.arraycopy(data, off, record, ContentType.HEADER + writeProtection.prefix(), len);
    int fragment = writeProtection.seal(type, record, ContentType.HEADER, len);
    writeHeader(record, type, fragment, type == ContentType.ALERT ? alertRecordVersion : ContentType.VERSION);
    if (outbound == null) {
      outbound = new ArrayDeque<>(4);
    }
    outbound.add(record.length == ContentType.HEADER + fragment ? record
        : Arrays.copyOf(record, ContentType.HEADER + fragment));
  }

  void handshakeDone(SessionState state, boolean resumed) {
    session = new TlcpSession(context, state, getPeerHost(), getPeerPort(), resumed, clientMode,
        context.localCertificates());
    handshakeComplete = true;
    reportFinished = true;
    handshaker = null;
    pendingRead = null;
    placeholder = null;
  }

  // ---------------------------------------------------------------- unwrap

  @Override
  public synchronized SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
      throws SSLException {
    checkArgs(dsts, offset, length);
    for (int i = offset; i < offset + length; i++) {
      if (dsts[i].isReadOnly()) {
        throw new ReadOnlyBufferException();
      }
    }
    if (!handshakeStarted && !inboundDone) {
      startHandshake();
    }
    if (inboundDone) {
      return result(Status.CLOSED, 0, 0);
    }
    int consumed = 0;
    int produced = 0;
    Status status = Status.OK;
    try {
      while (true) {
        if (src.remaining() < ContentType.HEADER) {
          status = consumed == 0 ? Status.BUFFER_UNDERFLOW : Status.OK;
          break;
        }
        int p = src.position();
        int type = src.get(p) & 0xff;
        int version = ((src.get(p + 1) & 0xff) << 8) | (src.get(p + 2) & 0xff);
        int fragmentLength = ((src.get(p + 3) & 0xff) << 8) | (src.get(p + 4) & 0xff);
        checkHeader(type, version, fragmentLength);
        if (src.remaining() < ContentType.HEADER + fragmentLength) {
          status = consumed == 0 ? Status.BUFFER_UNDERFLOW : Status.OK;
          break;
        }
        if (type == ContentType.APPLICATION_DATA && handshakeComplete) {
          int need = Math.min(readProtection.maxPlaintext(fragmentLength), ContentType.MAX_PLAINTEXT);
          if (remaining(dsts, offset, length) < need) {
            status = consumed == 0 ? Status.BUFFER_OVERFLOW : Status.OK;
            break;
          }
        }
        byte[] fragment = new byte[fragmentLength];
        src.position(p + ContentType.HEADER);
        src.get(fragment);
        consumed += ContentType.HEADER + fragmentLength;
        anyRecordReceived = true;
        int plain = readProtection.open(type, fragment, 0, fragmentLength);
        if (plain > ContentType.MAX_PLAINTEXT) {
          throw new TlcpAlertException(Alert.RECORD_OVERFLOW, "plaintext longer than 2^14");
        }
        int start = readProtection.prefix();
        if (plain == 0 && type != ContentType.APPLICATION_DATA) {
          throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE, "empty non-application record");
        }
        if (type != ContentType.APPLICATION_DATA) {
          emptyRecords = 0;
        }
        switch (type) {
          case ContentType.APPLICATION_DATA -> {
            if (!handshakeComplete) {
              throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE, "application data before the handshake completed");
            }
            warnings = 0;
            if (plain == 0) {
              if (++emptyRecords > MAX_EMPTY_RECORDS) {
                throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE, "too many empty records in a row");
              }
              continue;
            }
            emptyRecords = 0;
            produced += put(fragment, start, plain, dsts, offset, length);
            if (session != null) {
              session.touch();
            }
          }
          case ContentType.HANDSHAKE -> {
            warnings = 0;
            readHandshake(fragment, start, plain);
          }
          case ContentType.CHANGE_CIPHER_SPEC -> readChangeCipherSpec(fragment, start, plain);
          default -> readAlert(fragment, start, plain);
        }
        break;
      }
    } catch (TlcpAlertException e) {
      throw fail(e);
    } catch (RuntimeException e) {
      throw fail(new TlcpAlertException(Alert.INTERNAL_ERROR, "internal error", e));
    } catch (StackOverflowError e) {
      // Absurdly nested ASN.1 in a peer certificate: hostile input, not a reason to die.
      throw fail(new TlcpAlertException(Alert.DECODE_ERROR, "input nested too deeply"));
    }
    if (inboundDone && status == Status.OK) {
      status = Status.CLOSED;
    }
    return result(status, consumed, produced);
  }

  private void checkHeader(int type, int version, int fragmentLength) throws TlcpAlertException {
    if (!ContentType.isKnown(type)) {
      throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE, "unknown record type " + type);
    }
    if (version != ContentType.VERSION) {
      if ((version >>> 8) == 3 && !anyRecordReceived && !clientMode) {
        // A TLS client: answer in its record version, which it can read.
        alertRecordVersion = version;
      }
      throw new TlcpAlertException(Alert.PROTOCOL_VERSION,
          "record version 0x" + Integer.toHexString(version) + " is not TLCP 0x0101");
    }
    if (fragmentLength > ContentType.MAX_CIPHERTEXT
        || (readProtection.prefix() == 0 && fragmentLength > ContentType.MAX_PLAINTEXT)) {
      throw new TlcpAlertException(Alert.RECORD_OVERFLOW, "record of " + fragmentLength + " bytes");
    }
  }

  private static int remaining(ByteBuffer[] bufs, int offset, int length) {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += bufs[i].remaining();
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static int put(byte[] data, int off, int len, ByteBuffer[] dsts, int offset, int length) {
    int left = len;
    for (int i = offset; i < offset + length && left > 0; i++) {
      int n = Math.min(left, dsts[i].remaining());
      dsts[i].put(data, off + len - left, n);
      left -= n;
    }
    return len - left;
  }

  private void readHandshake(byte[] data, int off, int len) throws TlcpAlertException {
    if (handshakeIn == null) {
      handshakeIn = new byte[Math.max(len, 512)];
    } else if (handshakeInLength + len > handshakeIn.length) {
      handshakeIn = Arrays.copyOf(handshakeIn, Math.max(2 * handshakeIn.length, handshakeInLength + len));
    }
    System.arraycopy(data, off, handshakeIn, handshakeInLength, len);
    handshakeInLength += len;
    while (handshakeInLength >= HandshakeType.HEADER && !failed) {
      int type = handshakeIn[0] & 0xff;
      int bodyLength = ((handshakeIn[1] & 0xff) << 16) | ((handshakeIn[2] & 0xff) << 8) | (handshakeIn[3] & 0xff);
      if (bodyLength > MAX_HANDSHAKE_MESSAGE) {
        throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER,
            HandshakeType.name(type) + " of " + bodyLength + " bytes is too large");
      }
      int total = HandshakeType.HEADER + bodyLength;
      if (handshakeInLength < total) {
        break;
      }
      byte[] message = Arrays.copyOf(handshakeIn, total);
      System.arraycopy(handshakeIn, total, handshakeIn, 0, handshakeInLength - total);
      handshakeInLength -= total;
      dispatchHandshake(type, message);
    }
    if (handshakeInLength == 0) {
      handshakeIn = null;
    }
  }

  private void dispatchHandshake(int type, byte[] message) throws TlcpAlertException {
    byte[] body = Arrays.copyOfRange(message, HandshakeType.HEADER, message.length);
    if (handshaker != null) {
      if (clientMode && type == HandshakeType.HELLO_REQUEST) {
        // RFC 5246 7.4.1.1: ignored during a handshake, and not hashed.
        if (++helloRequestsIgnored > MAX_WARNINGS) {
          throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE, "too many HelloRequests");
        }
        return;
      }
      handshaker.receive(type, message, body);
      return;
    }
    if (handshakeComplete && ((clientMode && type == HandshakeType.HELLO_REQUEST)
        || (!clientMode && type == HandshakeType.CLIENT_HELLO))) {
      // Renegotiation is refused (GB/T 38636 7.2.2 / RFC 5246 7.2.2: no_renegotiation is always a
      // warning); the peer decides whether to go on. A peer that insists is cut off.
      if (++renegotiationRefusals > MAX_RENEGOTIATION_REFUSALS) {
        throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE, "repeated renegotiation attempts");
      }
      sendWarning(Alert.NO_RENEGOTIATION);
      return;
    }
    throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE,
        HandshakeType.name(type) + " after the handshake");
  }

  private void readChangeCipherSpec(byte[] data, int off, int len) throws TlcpAlertException {
    if (len != 1 || data[off] != 1) {
      throw new TlcpAlertException(Alert.DECODE_ERROR, "malformed ChangeCipherSpec");
    }
    if (handshaker == null || pendingRead == null || handshakeInLength > 0) {
      throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE, "ChangeCipherSpec out of order");
    }
    handshaker.receive(HandshakeType.CHANGE_CIPHER_SPEC, null, null);
    readProtection = pendingRead;
    pendingRead = null;
  }

  private void readAlert(byte[] data, int off, int len) throws TlcpAlertException {
    if (len != 2) {
      throw new TlcpAlertException(Alert.DECODE_ERROR, "alert record of " + len + " bytes");
    }
    int level = data[off] & 0xff;
    int code = data[off + 1] & 0xff;
    Alert alert = Alert.of(code);
    if (level != Alert.LEVEL_WARNING && level != Alert.LEVEL_FATAL) {
      throw new TlcpAlertException(Alert.ILLEGAL_PARAMETER, "alert level " + level);
    }
    if (alert == Alert.CLOSE_NOTIFY) {
      closeNotifyReceived = true;
      inboundDone = true;
      if (!closeQueued && !failed) {
        closeQueued = true;
        queueRecord(ContentType.ALERT, new byte[] {Alert.LEVEL_WARNING, 0}, 0, 2);
      }
      if (!handshakeComplete) {
        failed = true;
        handshaker = null;
        throw TlcpAlertException.received(alert);
      }
      return;
    }
    if (level == Alert.LEVEL_FATAL || alert == null) {
      failed = true;
      inboundDone = true;
      outboundDone = !hasPendingOutput();
      handshaker = null;
      invalidateSession();
      throw TlcpAlertException.received(alert == null ? Alert.ILLEGAL_PARAMETER : alert);
    }
    if (++warnings > MAX_WARNINGS) {
      throw new TlcpAlertException(Alert.UNEXPECTED_MESSAGE, "too many warning alerts in a row");
    }
  }

  // ---------------------------------------------------------------- failure and closure

  /** Queues the fatal alert (for the next wrap), closes both directions, returns {@code e}. */
  private SSLException fail(TlcpAlertException e) {
    if (!failed) {
      failed = true;
      if (!e.receivedFromPeer() && !outboundDone && !closeQueued) {
        if (outbound != null && !handshakeComplete) {
          outbound.clear();
        }
        queueRecord(ContentType.ALERT, new byte[] {Alert.LEVEL_FATAL, (byte) e.alert().code()}, 0, 2);
      }
      inboundDone = true;
      handshaker = null;
      handshakeIn = null;
      pendingRead = null;
      invalidateSession();
    }
    return e;
  }

  private void invalidateSession() {
    if (session != null) {
      session.invalidate();
    }
  }

  @Override
  public synchronized void closeInbound() throws SSLException {
    if (inboundDone) {
      return;
    }
    inboundDone = true;
    boolean truncated = handshakeStarted && !closeNotifyReceived && !failed;
    handshaker = null;
    handshakeIn = null;
    if (truncated) {
      closeOutbound();
      throw new SSLException("inbound closed before receiving the peer's close_notify: possible truncation");
    }
  }

  @Override
  public synchronized boolean isInboundDone() {
    return inboundDone;
  }

  @Override
  public synchronized void closeOutbound() {
    if (closeQueued || outboundDone || failed) {
      return;
    }
    if (!handshakeStarted) {
      outboundDone = true;
      inboundDone = true;
      return;
    }
    closeQueued = true;
    if (!handshakeComplete) {
      // Abandoning a handshake: nothing the peer sends afterwards is processed, and what is left of
      // our flight is not sent (only the close_notify).
      handshaker = null;
      inboundDone = true;
      if (outbound != null) {
        outbound.clear();
      }
    }
    queueRecord(ContentType.ALERT, new byte[] {Alert.LEVEL_WARNING, 0}, 0, 2);
  }

  @Override
  public synchronized boolean isOutboundDone() {
    return outboundDone;
  }

  @Override
  public String toString() {
    return "TlcpEngine[" + (clientMode ? "client" : "server") + ", " + getSession() + "]";
  }
}
