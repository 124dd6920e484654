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
 * {@link #messages()} answers null). Up to CertificateVerify the server has three peer messages
 * (ClientHello, Certificate, ClientKeyExchange), each refused by the engine above 64 KiB, plus its
 * own flight of a few KiB, so the bound is never reached by a handshake the engine accepts; the
 * client's peer messages (ServerHello to ServerHelloDone) are a few KiB in practice. A handshake
 * over the bound can still use Tongsuo's form; GmSSL's then fails (the server's alert is the same
 * decrypt_error, the client stops with internal_error).
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
