package io.gmtls.tlcp.bench;

import io.gmtls.crypto.sm2.Sm2;
import io.gmtls.tlcp.crypto.Sm2EphemeralKey;
import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.crypto.fast.FastTlcpCrypto;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * The handshake's SM2 operations through the engine's {@link TlcpCrypto} seam, BcTlcpCrypto
 * against FastTlcpCrypto, in thread CPU time and interleaved (rounds of BC × n, then ours × n,
 * summed per side), so that a shared, loaded machine slows both alike: the ratio is the figure to
 * read. Same keys and inputs as {@link Sm2Bench}; a last row compares BouncyCastle's decryption
 * with gm-crypto's own, which FastTlcpCrypto does not use. No JMH needed:
 * {@code java -cp tlcp/bench/target/tlcp-benchmarks.jar io.gmtls.tlcp.bench.Sm2SeamCompare [passes]}.
 */
public final class Sm2SeamCompare {

  private static final X9ECParameters X9 = CustomNamedCurves.getByName("sm2p256v1");
  private static final ECDomainParameters SM2 = new ECDomainParameters(X9);
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private interface Op {
    Object run() throws Exception;
  }

  /** One implementation's keys and inputs, as {@link Sm2Bench} sets them up. */
  private static final class Side {
    final TlcpCrypto crypto;
    final Sm2PrivateKey signingKey;
    final Sm2PublicKey verifyKey;
    final byte[] signature;
    final Sm2PrivateKey encryptionKey;
    final byte[] ciphertext;

    Side(TlcpCrypto crypto, Inputs in) throws Exception {
      this.crypto = crypto;
      signingKey = crypto.sm2PrivateKey(in.signingPkcs8);
      verifyKey = crypto.sm2PublicKey(in.verifySpki);
      signature = crypto.sm2Sign(signingKey, in.message);
      encryptionKey = crypto.sm2PrivateKey(in.encryptionPkcs8);
      ciphertext = crypto.sm2Encrypt(encryptionKey.publicKey(), new byte[48]);
    }
  }

  private record Inputs(byte[] message, PrivateKey signingPkcs8, byte[] verifySpki,
      PrivateKey encryptionPkcs8, byte[] peerStaticSpki, byte[] peerEphemeralPoint) {}

  private Sm2SeamCompare() {}

  public static void main(String[] args) throws Exception {
    int passes = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    SecureRandom random = new SecureRandom();
    ECKeyPairGenerator g = new ECKeyPairGenerator();
    g.init(new ECKeyGenerationParameters(SM2, random));
    byte[] message = new byte[32];
    random.nextBytes(message);
    AsymmetricCipherKeyPair signing = g.generateKeyPair();
    AsymmetricCipherKeyPair encryption = g.generateKeyPair();
    Inputs in = new Inputs(message, Sm2Bench.pkcs8(signing), Sm2Bench.spki(signing), Sm2Bench.pkcs8(encryption),
        Sm2Bench.spki(g.generateKeyPair()),
        ((ECPublicKeyParameters) g.generateKeyPair().getPublic()).getQ().getEncoded(false));
    Side bc = new Side(new BcTlcpCrypto(random), in);
    Side fast = new Side(new FastTlcpCrypto(random), in);
    Sm2.Private ownKey = Sm2.Private.of(((ECPrivateKeyParameters) encryption.getPrivate()).getD());
    String[] names = {"sign (ServerKeyExchange)", "verify, key decoded each time (CertificateVerify)",
        "verify, kept key (a CA)", "decrypt 48 bytes, DER (ClientKeyExchange)",
        "key generation (ephemeral)", "ECDHE side: ephemeral + key exchange",
        "decrypt, gm-crypto's own Sm2.decryptDer (not used: see FastTlcpCrypto)"};
    for (int pass = 0; pass <= passes; pass++) {
      // Pass 0 is the warm-up (JIT), not printed.
      if (pass > 0) {
        System.out.println("--- pass " + pass + ", load " + Files.readString(Path.of("/proc/loadavg")).trim());
      }
      for (int op = 0; op < names.length; op++) {
        int n = pass == 0 ? 400 : 1000;
        long[] t = op < 6 ? compare(op(bc, in, op), op(fast, in, op), n)
            : compare(op(bc, in, 3), () -> Sm2.decryptDer(ownKey, bc.ciphertext), n);
        if (pass > 0) {
          System.out.printf("%-52s BC %8.1f us  ours %8.1f us  speed ours/BC %.2f%n", names[op],
              t[0] / 1e3 / n, t[1] / 1e3 / n, (double) t[0] / t[1]);
        }
      }
    }
  }

  private static Op op(Side s, Inputs in, int op) {
    TlcpCrypto c = s.crypto;
    return switch (op) {
      case 0 -> () -> c.sm2Sign(s.signingKey, in.message);
      case 1 -> () -> check(c.sm2Verify(c.sm2PublicKey(in.verifySpki), in.message, s.signature));
      case 2 -> () -> check(c.sm2Verify(s.verifyKey, in.message, s.signature));
      case 3 -> () -> c.sm2Decrypt(s.encryptionKey, s.ciphertext);
      case 4 -> c::sm2GenerateEphemeral;
      case 5 -> () -> {
        Sm2EphemeralKey own = c.sm2GenerateEphemeral();
        return c.sm2KeyExchange(48, true, s.encryptionKey, own, c.sm2PublicKey(in.peerStaticSpki),
            in.peerEphemeralPoint);
      };
      default -> throw new IllegalArgumentException();
    };
  }

  private static Object check(boolean ok) {
    if (!ok) {
      throw new IllegalStateException("a valid signature did not verify");
    }
    return ok;
  }

  /** Summed thread CPU ns of a × n and b × n, in 20 interleaved rounds. */
  private static long[] compare(Op a, Op b, int n) throws Exception {
    long ta = 0;
    long tb = 0;
    int hash = 0;
    for (int r = 0; r < 20; r++) {
      long t0 = MX.getCurrentThreadCpuTime();
      for (int i = 0; i < n / 20; i++) {
        hash += a.run().hashCode();
      }
      long t1 = MX.getCurrentThreadCpuTime();
      for (int i = 0; i < n / 20; i++) {
        hash += b.run().hashCode();
      }
      long t2 = MX.getCurrentThreadCpuTime();
      ta += t1 - t0;
      tb += t2 - t1;
    }
    if (hash == 42) {
      System.out.print("");
    }
    return new long[] {ta, tb};
  }
}
