package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.crypto.Sm3;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import java.io.ByteArrayOutputStream;

/**
 * The running SM3 hash of the handshake messages (headers included, HelloRequest excluded), from
 * which CertificateVerify and Finished take snapshots. Only the digest state is kept, not the
 * messages, so the transcript costs about a hundred bytes — unless the messages themselves are
 * asked for (GmSSL's CertificateVerify signs their raw concatenation), and then only until
 * {@link #dropMessages()}.
 *
 * <p>The kept messages are bounded by {@link #MAX_KEPT_MESSAGES}: past it they are dropped (and
 * {@link #messages()} answers null). Up to CertificateVerify a full handshake has at most three
 * peer messages (ClientHello, Certificate, ClientKeyExchange on the server; ServerHello,
 * Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone on the client, of which only
 * the Certificate can be large), each refused by the engine above 64 KiB, plus our own few-KiB
 * messages: a real handshake stays far below the bound.
 */
public final class Transcript {

  /** Most bytes of raw messages kept for GmSSL's CertificateVerify form (256 KiB). */
  public static final int MAX_KEPT_MESSAGES = 256 * 1024;

  private final Sm3 hash;
  private ByteArrayOutputStream messages;

  /** A transcript that keeps only the hash. */
  public Transcript(TlcpCrypto crypto) {
    this(crypto, false);
  }

  /** A transcript that also keeps the raw messages if {@code keepMessages}. */
  public Transcript(TlcpCrypto crypto, boolean keepMessages) {
    this.hash = crypto.sm3();
    this.messages = keepMessages ? new ByteArrayOutputStream(4096) : null;
  }

  /** Adds one encoded handshake message. */
  public void add(byte[] message) {
    hash.update(message);
    if (messages != null) {
      if (messages.size() + (long) message.length > MAX_KEPT_MESSAGES) {
        messages = null;
      } else {
        messages.writeBytes(message);
      }
    }
  }

  /** SM3 of the messages added so far. */
  public byte[] hash() {
    return hash.copy().digest();
  }

  /**
   * The concatenation of the messages added so far, or null if they are not kept (never asked
   * for, dropped, or over {@link #MAX_KEPT_MESSAGES}).
   */
  public byte[] messages() {
    return messages == null ? null : messages.toByteArray();
  }

  /** Stops keeping the raw messages and frees them; the hash goes on. */
  public void dropMessages() {
    messages = null;
  }
}
