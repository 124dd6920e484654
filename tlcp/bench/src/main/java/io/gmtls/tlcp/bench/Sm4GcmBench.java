package io.gmtls.tlcp.bench;

import io.gmtls.tlcp.crypto.Sm4Gcm;
import io.gmtls.tlcp.crypto.fast.TlcpCryptos;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SM4-GCM one direction at a time on 16 KiB records — the form of {@code openssl speed -evp sm4-gcm}'s
 * 16384-byte column that issue 16 quotes for Tongsuo (156 MB/s, one core): the engine's cipher (the
 * default {@code TlcpCrypto}'s {@link Sm4Gcm}, as a connection uses it: key fixed, a nonce per record,
 * 13 bytes of additional data) sealing and opening, and BouncyCastle's {@code GCMBlockCipher} with its
 * default multiplier (4 KiB tables per key) as the same run's baseline. MB/s = operations/s × 16,384 / 10^6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Sm4GcmBench {

  static final int RECORD = 16 * 1024;

  private final byte[] key = new byte[16];
  private final byte[] nonce = new byte[12];
  private final byte[] aad = new byte[13];
  private final byte[] buf = new byte[RECORD + Sm4Gcm.TAG];
  /** A sealed record, copied into {@link #buf} before each open. */
  private final byte[] sealed = new byte[RECORD + Sm4Gcm.TAG];
  private Sm4Gcm ourSeal;
  private Sm4Gcm ourOpen;
  private GCMModeCipher bcSeal;
  private GCMModeCipher bcOpen;
  private byte[] bcSealed;

  @Setup(Level.Trial)
  public void setup() throws InvalidCipherTextException {
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (17 * i + 3);
    }
    ourSeal = TlcpCryptos.createDefault().sm4Gcm(key.clone(), true);
    ourOpen = TlcpCryptos.createDefault().sm4Gcm(key.clone(), false);
    System.arraycopy(buf, 0, sealed, 0, RECORD);
    ourSeal.seal(nonce, aad, sealed, 0, RECORD);
    bcSeal = GCMBlockCipher.newInstance(new SM4Engine());
    bcOpen = GCMBlockCipher.newInstance(new SM4Engine());
    bcSeal.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
    bcSealed = new byte[RECORD + Sm4Gcm.TAG];
    int n = bcSeal.processBytes(new byte[RECORD], 0, RECORD, bcSealed, 0);
    bcSeal.doFinal(bcSealed, n);
    bcOpen.init(false, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
  }

  /** The engine's SM4-GCM sealing a 16 KiB record in place. */
  @Benchmark
  public int engineSeal() {
    nonce[11]++;
    return ourSeal.seal(nonce, aad, buf, 0, RECORD);
  }

  /** The engine's SM4-GCM opening a 16 KiB record in place (tag checked first, then decrypted). */
  @Benchmark
  public int engineOpen() throws AEADBadTagException {
    System.arraycopy(sealed, 0, buf, 0, sealed.length);
    return ourOpen.open(nonce, aad, buf, 0, sealed.length);
  }

  /** BouncyCastle's GCMBlockCipher (4 KiB tables) sealing a 16 KiB record. */
  @Benchmark
  public int bouncyCastleSeal() throws InvalidCipherTextException {
    nonce[11]++;
    bcSeal.init(true, new AEADParameters(null, 128, nonce, aad));
    int n = bcSeal.processBytes(buf, 0, RECORD, buf, 0);
    return n + bcSeal.doFinal(buf, n);
  }

  /** BouncyCastle's GCMBlockCipher (4 KiB tables) opening a 16 KiB record. */
  @Benchmark
  public int bouncyCastleOpen() throws InvalidCipherTextException {
    // Same nonce every time: BouncyCastle refuses nonce reuse only when encrypting.
    bcOpen.init(false, new AEADParameters(null, 128, new byte[12], aad));
    int n = bcOpen.processBytes(bcSealed, 0, bcSealed.length, buf, 0);
    return n + bcOpen.doFinal(buf, n);
  }
}
