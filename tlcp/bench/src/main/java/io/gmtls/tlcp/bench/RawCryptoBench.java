package io.gmtls.tlcp.bench;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.SM2KeyExchange;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CBCModeCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.modes.gcm.BasicGCMMultiplier;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.SM2KeyExchangePrivateParameters;
import org.bouncycastle.crypto.params.SM2KeyExchangePublicParameters;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * BouncyCastle baselines, used the cheapest way BouncyCastle allows (objects initialised once,
 * reused; SM2 on BouncyCastle's custom sm2p256v1 curve, as in the engine): SM2 sign / verify /
 * decrypt of a 48-byte pre-master secret / one side of the SM2 key exchange (ephemeral key generation + exchange), and 16 KiB seal-plus-open of SM4-GCM (with the
 * default 4 KiB-table multiplier and with the table-free one the engine uses) and of
 * SM4-CBC + HMAC-SM3.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawCryptoBench {

  /** The curve implementation the engine uses (BcTlcpCrypto): BouncyCastle's custom sm2p256v1. */
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("sm2p256v1");
  private static final ECDomainParameters SM2 = new ECDomainParameters(CURVE);
  private static final byte[] ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
  private static final int RECORD = RecordBench.RECORD;

  private final SecureRandom random = new SecureRandom();
  private final byte[] message = new byte[32];
  private SM2Signer signer;
  private SM2Signer verifier;
  private byte[] signature;
  private byte[] signingPoint;
  private byte[] peerStaticPoint;
  private byte[] peerEphemeralPoint;
  private SM2Engine decryptor;
  private byte[] ciphertext;
  private AsymmetricCipherKeyPair ownStatic;
  private AsymmetricCipherKeyPair peerStatic;
  private AsymmetricCipherKeyPair peerEphemeral;
  private ECKeyPairGenerator generator;

  private GCMModeCipher gcmSeal;
  private GCMModeCipher gcmOpen;
  private GCMModeCipher basicSeal;
  private GCMModeCipher basicOpen;

  private final byte[] gcmBuf = new byte[RECORD + 16];
  private final byte[] nonce = new byte[12];
  private final byte[] aad = new byte[13];

  private CBCModeCipher cbcEncrypt;
  private CBCModeCipher cbcDecrypt;
  private HMac macSend;
  private HMac macReceive;
  private final byte[] cbcBuf = new byte[(RECORD + 32 + 1 + 15) / 16 * 16];
  private final byte[] iv = new byte[16];
  private final byte[] mac = new byte[32];

  @Setup(Level.Trial)
  public void setup() throws Exception {
    generator = new ECKeyPairGenerator();
    generator.init(new ECKeyGenerationParameters(SM2, random));
    AsymmetricCipherKeyPair signing = generator.generateKeyPair();
    random.nextBytes(message);
    signer = new SM2Signer(new SM3Digest());
    signer.init(true, new ParametersWithID(new ParametersWithRandom(signing.getPrivate(), random), ID));
    verifier = new SM2Signer(new SM3Digest());
    verifier.init(false, new ParametersWithID(signing.getPublic(), ID));
    signer.update(message, 0, message.length);
    signature = signer.generateSignature();
    signingPoint = ((ECPublicKeyParameters) signing.getPublic()).getQ().getEncoded(false);

    AsymmetricCipherKeyPair encryption = generator.generateKeyPair();
    SM2Engine encryptor = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
    encryptor.init(true, new ParametersWithRandom(encryption.getPublic(), random));
    ciphertext = encryptor.processBlock(new byte[48], 0, 48);
    decryptor = new SM2Engine(new SM3Digest(), SM2Engine.Mode.C1C3C2);
    decryptor.init(false, encryption.getPrivate());

    ownStatic = generator.generateKeyPair();
    peerStatic = generator.generateKeyPair();
    peerEphemeral = generator.generateKeyPair();
    peerStaticPoint = ((ECPublicKeyParameters) peerStatic.getPublic()).getQ().getEncoded(false);
    peerEphemeralPoint = ((ECPublicKeyParameters) peerEphemeral.getPublic()).getQ().getEncoded(false);

    KeyParameter key = new KeyParameter(new byte[16]);
    gcmSeal = GCMBlockCipher.newInstance(new SM4Engine());
    gcmOpen = GCMBlockCipher.newInstance(new SM4Engine());
    basicSeal = GCMBlockCipher.newInstance(new SM4Engine(), new BasicGCMMultiplier());
    basicOpen = GCMBlockCipher.newInstance(new SM4Engine(), new BasicGCMMultiplier());
    for (GCMModeCipher c : new GCMModeCipher[] {gcmSeal, basicSeal}) {
      c.init(true, new AEADParameters(key, 128, nonce, aad));
    }
    for (GCMModeCipher c : new GCMModeCipher[] {gcmOpen, basicOpen}) {
      c.init(false, new AEADParameters(key, 128, nonce, aad));
    }
    cbcEncrypt = CBCBlockCipher.newInstance(new SM4Engine());
    cbcEncrypt.init(true, new ParametersWithIV(key, iv));
    cbcDecrypt = CBCBlockCipher.newInstance(new SM4Engine());
    cbcDecrypt.init(false, new ParametersWithIV(key, iv));
    macSend = new HMac(new SM3Digest());
    macSend.init(new KeyParameter(new byte[32]));
    macReceive = new HMac(new SM3Digest());
    macReceive.init(new KeyParameter(new byte[32]));
  }

  @Benchmark
  public byte[] sm2Sign() throws Exception {
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Benchmark
  public boolean sm2Verify() {
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  /**
   * Verification with a key decoded for this signature, as for a peer's CertificateVerify:
   * BouncyCastle caches multiplication tables in a point object, which the reused key of
   * {@link #sm2Verify} benefits from and a fresh peer key cannot.
   */
  @Benchmark
  public boolean sm2VerifyFreshKey() {
    SM2Signer v = new SM2Signer(new SM3Digest());
    v.init(false, new ParametersWithID(new ECPublicKeyParameters(SM2.getCurve().decodePoint(signingPoint), SM2), ID));
    v.update(message, 0, message.length);
    return v.verifySignature(signature);
  }

  @Benchmark
  public byte[] sm2Decrypt() throws InvalidCipherTextException {
    return decryptor.processBlock(ciphertext, 0, ciphertext.length);
  }

  /**
   * One side of ECDHE: a fresh ephemeral key and the SM2 key exchange with the peer's static and
   * ephemeral keys, decoded for this exchange (a new peer every time, as for a server).
   */
  @Benchmark
  public byte[] sm2KeyExchange() {
    AsymmetricCipherKeyPair ephemeral = generator.generateKeyPair();
    SM2KeyExchange exchange = new SM2KeyExchange(new SM3Digest());
    exchange.init(new ParametersWithID(new SM2KeyExchangePrivateParameters(true,
        (ECPrivateKeyParameters) ownStatic.getPrivate(), (ECPrivateKeyParameters) ephemeral.getPrivate()), ID));
    return exchange.calculateKey(384, new ParametersWithID(new SM2KeyExchangePublicParameters(
        new ECPublicKeyParameters(SM2.getCurve().decodePoint(peerStaticPoint), SM2),
        new ECPublicKeyParameters(SM2.getCurve().decodePoint(peerEphemeralPoint), SM2)), ID));
  }

  private int gcm(GCMModeCipher seal, GCMModeCipher open) throws InvalidCipherTextException {
    nonce[11]++;
    seal.init(true, new AEADParameters(null, 128, nonce, aad));
    int n = seal.processBytes(gcmBuf, 0, RECORD, gcmBuf, 0);
    n += seal.doFinal(gcmBuf, n);
    open.init(false, new AEADParameters(null, 128, nonce, aad));
    int m = open.processBytes(gcmBuf, 0, n, gcmBuf, 0);
    return m + open.doFinal(gcmBuf, m);
  }

  /** SM4-GCM seal + open of 16 KiB, BouncyCastle's default (4 KiB tables) multiplier. */
  @Benchmark
  public int sm4Gcm16k() throws InvalidCipherTextException {
    return gcm(gcmSeal, gcmOpen);
  }

  /** SM4-GCM seal + open of 16 KiB, table-free multiplier (the engine's choice). */
  @Benchmark
  public int sm4GcmBasic16k() throws InvalidCipherTextException {
    return gcm(basicSeal, basicOpen);
  }

  /** HMAC-SM3 then SM4-CBC encrypt, and SM4-CBC decrypt then HMAC-SM3, of 16 KiB. */
  @Benchmark
  public int sm4CbcHmacSm316k() {
    macSend.update(aad, 0, aad.length);
    macSend.update(cbcBuf, 0, RECORD);
    macSend.doFinal(cbcBuf, RECORD);
    cbcEncrypt.init(true, new ParametersWithIV(null, iv));
    for (int i = 0; i < cbcBuf.length; i += 16) {
      cbcEncrypt.processBlock(cbcBuf, i, cbcBuf, i);
    }
    cbcDecrypt.init(false, new ParametersWithIV(null, iv));
    for (int i = 0; i < cbcBuf.length; i += 16) {
      cbcDecrypt.processBlock(cbcBuf, i, cbcBuf, i);
    }
    macReceive.update(aad, 0, aad.length);
    macReceive.update(cbcBuf, 0, RECORD);
    macReceive.doFinal(mac, 0);
    return mac[0];
  }
}
