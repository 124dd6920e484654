package io.gmtls.tlcp.bench;

import io.gmtls.tlcp.crypto.Sm2EphemeralKey;
import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import io.gmtls.tlcp.crypto.fast.FastTlcpCrypto;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SM2 through the engine's {@link TlcpCrypto} seam, {@code bc} (BcTlcpCrypto: BouncyCastle's
 * custom sm2p256v1) against {@code fast} (FastTlcpCrypto: gm-crypto's io.gmtls.crypto.sm2), in
 * the same run and with the same keys and inputs: what a handshake calls. Run with
 * bench/sm2-bench.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Sm2Bench {

  private static final X9ECParameters X9 = CustomNamedCurves.getByName("sm2p256v1");
  private static final ECDomainParameters SM2 = new ECDomainParameters(X9);

  @Param({"bc", "fast"})
  public String impl;

  private TlcpCrypto crypto;
  private final SecureRandom random = new SecureRandom();
  private final byte[] message = new byte[32];
  private Sm2PrivateKey signingKey;
  private Sm2PublicKey verifyKey;
  private byte[] verifySpki;
  private byte[] signature;
  private Sm2PrivateKey encryptionKey;
  private byte[] ciphertext;
  private byte[] peerStaticSpki;
  private byte[] peerEphemeralPoint;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    crypto = switch (impl) {
      case "bc" -> new BcTlcpCrypto(random);
      case "fast" -> new FastTlcpCrypto(random);
      default -> throw new IllegalArgumentException(impl);
    };
    ECKeyPairGenerator g = new ECKeyPairGenerator();
    g.init(new ECKeyGenerationParameters(SM2, random));
    random.nextBytes(message);
    AsymmetricCipherKeyPair signing = g.generateKeyPair();
    signingKey = crypto.sm2PrivateKey(pkcs8(signing));
    verifySpki = spki(signing);
    verifyKey = crypto.sm2PublicKey(verifySpki);
    signature = crypto.sm2Sign(signingKey, message);
    encryptionKey = crypto.sm2PrivateKey(pkcs8(g.generateKeyPair()));
    ciphertext = crypto.sm2Encrypt(encryptionKey.publicKey(), new byte[48]);
    peerStaticSpki = spki(g.generateKeyPair());
    peerEphemeralPoint = ((ECPublicKeyParameters) g.generateKeyPair().getPublic()).getQ()
        .getEncoded(false);
  }

  /** ServerKeyExchange: one signature with the server's key (handle kept). */
  @Benchmark
  public byte[] sign() {
    return crypto.sm2Sign(signingKey, message);
  }

  /** A CA's key kept as a handle (chain verification under a known anchor). */
  @Benchmark
  public boolean verifyKeptKey() {
    return crypto.sm2Verify(verifyKey, message, signature);
  }

  /** CertificateVerify: a peer's key decoded from its SubjectPublicKeyInfo, then one verification. */
  @Benchmark
  public boolean verifyNewKey() throws Exception {
    return crypto.sm2Verify(crypto.sm2PublicKey(verifySpki), message, signature);
  }

  /** ClientKeyExchange of the ECC suites: decryption of a 48-byte pre-master secret (DER). */
  @Benchmark
  public byte[] decrypt() throws Exception {
    return crypto.sm2Decrypt(encryptionKey, ciphertext);
  }

  /** Key generation: a fresh ephemeral key pair (the ECDHE suites' ServerKeyExchange). */
  @Benchmark
  public Sm2EphemeralKey keyGeneration() {
    return crypto.sm2GenerateEphemeral();
  }

  /** One side of ECDHE: ephemeral key pair + SM2 key exchange with the peer's keys decoded. */
  @Benchmark
  public byte[] keyExchange() throws Exception {
    Sm2EphemeralKey own = crypto.sm2GenerateEphemeral();
    return crypto.sm2KeyExchange(48, true, encryptionKey, own, crypto.sm2PublicKey(peerStaticSpki),
        peerEphemeralPoint);
  }

  /** The SubjectPublicKeyInfo of a generated SM2 key pair (named curve), as a certificate carries it. */
  static byte[] spki(AsymmetricCipherKeyPair pair) throws Exception {
    return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(new ECPublicKeyParameters(
        ((ECPublicKeyParameters) pair.getPublic()).getQ(),
        new ECNamedDomainParameters(GMObjectIdentifiers.sm2p256v1, X9))).getEncoded();
  }

  /** The private key of a generated SM2 key pair as a PKCS#8 {@link PrivateKey} (named curve). */
  static PrivateKey pkcs8(AsymmetricCipherKeyPair pair) throws Exception {
    byte[] der = PrivateKeyInfoFactory.createPrivateKeyInfo(new ECPrivateKeyParameters(
        ((ECPrivateKeyParameters) pair.getPrivate()).getD(),
        new ECNamedDomainParameters(GMObjectIdentifiers.sm2p256v1, X9))).getEncoded();
    return new PrivateKey() {
      private static final long serialVersionUID = 1L;

      @Override
      public String getAlgorithm() {
        return "EC";
      }

      @Override
      public String getFormat() {
        return "PKCS#8";
      }

      @Override
      public byte[] getEncoded() {
        return der.clone();
      }
    };
  }
}
