package io.gmtls.tlcp.handshake;

import io.gmtls.tlcp.crypto.Sm3;
import io.gmtls.tlcp.crypto.TlcpCrypto;

/**
 * The running SM3 hash of the handshake messages (headers included, HelloRequest excluded), from
 * which CertificateVerify and Finished take snapshots. Only the digest state is kept, not the
 * messages, so the transcript costs about a hundred bytes.
 */
public final class Transcript {

  private final Sm3 hash;

  public Transcript(TlcpCrypto crypto) {
    this.hash = crypto.sm3();
  }

  /** Adds one encoded handshake message. */
  public void add(byte[] message) {
    hash.update(message);
  }

  /** SM3 of the messages added so far. */
  public byte[] hash() {
    return hash.copy().digest();
  }
}
