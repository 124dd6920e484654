package io.gmtls.crypto.sm4;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** BouncyCastle's SM4-GCM, the reference the tests hold ours against. */
public final class BouncyCastleSm4Gcm {

  private BouncyCastleSm4Gcm() {}

  /** Ciphertext followed by the 16-byte tag. */
  public static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plain) throws InvalidCipherTextException {
    GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
    gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
    byte[] out = new byte[gcm.getOutputSize(plain.length)];
    int n = gcm.processBytes(plain, 0, plain.length, out, 0);
    gcm.doFinal(out, n);
    return out;
  }
}
