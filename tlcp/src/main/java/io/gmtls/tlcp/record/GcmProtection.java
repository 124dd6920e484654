package io.gmtls.tlcp.record;

import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.crypto.Sm4Gcm;
import javax.crypto.AEADBadTagException;

/**
 * SM4-GCM (GB/T 38636-2020 clause 6.3.3.4.4, the RFC 5288 layout).
 *
 * <pre>
 * struct {
 *   opaque nonce_explicit[8];
 *   aead-ciphered struct { opaque content[TLCPCompressed.length]; };
 * } GenericAEADCipher;
 * nonce = write_IV (4, from the key block) || nonce_explicit (8)
 * additional_data = seq_num + type + version + length (of the plaintext)
 * </pre>
 * We send the sequence number as nonce_explicit, which never repeats under one key.
 */
public final class GcmProtection extends RecordProtection {

  private static final int EXPLICIT = 8;

  private final Sm4Gcm cipher;
  private final byte[] implicitIv;

  /** {@code implicitIv} is this direction's 4-byte write IV. */
  public GcmProtection(Sm4Gcm cipher, byte[] implicitIv) {
    this.cipher = cipher;
    this.implicitIv = implicitIv.clone();
  }

  @Override
  public int prefix() {
    return EXPLICIT;
  }

  @Override
  public int sealedLength(int plaintextLength) {
    return EXPLICIT + plaintextLength + Sm4Gcm.TAG;
  }

  @Override
  public int maxPlaintext(int fragmentLength) {
    return Math.max(0, fragmentLength - EXPLICIT - Sm4Gcm.TAG);
  }

  @Override
  public int seal(int type, byte[] buf, int offset, int plaintextLength) {
    long seq = nextSequence();
    byte[] aad = new byte[13];
    writePseudoHeader(aad, seq, type, plaintextLength);
    System.arraycopy(aad, 0, buf, offset, EXPLICIT);
    byte[] nonce = nonce(buf, offset);
    return EXPLICIT + cipher.seal(nonce, aad, buf, offset + EXPLICIT, plaintextLength);
  }

  @Override
  public int open(int type, byte[] buf, int offset, int fragmentLength) throws TlcpAlertException {
    long seq = nextSequence();
    if (fragmentLength < EXPLICIT + Sm4Gcm.TAG) {
      throw new TlcpAlertException(Alert.BAD_RECORD_MAC, "GCM record too short");
    }
    byte[] aad = new byte[13];
    writePseudoHeader(aad, seq, type, fragmentLength - EXPLICIT - Sm4Gcm.TAG);
    try {
      return cipher.open(nonce(buf, offset), aad, buf, offset + EXPLICIT, fragmentLength - EXPLICIT);
    } catch (AEADBadTagException e) {
      throw new TlcpAlertException(Alert.BAD_RECORD_MAC, "GCM tag check failed");
    }
  }

  private byte[] nonce(byte[] buf, int offset) {
    byte[] nonce = new byte[12];
    System.arraycopy(implicitIv, 0, nonce, 0, 4);
    System.arraycopy(buf, offset, nonce, 4, EXPLICIT);
    return nonce;
  }
}
