package io.gmtls.tlcp.crypto.bc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.tlcp.crypto.Sm2EphemeralKey;
import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.SM2KeyExchange;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.SM2KeyExchangePrivateParameters;
import org.bouncycastle.crypto.params.SM2KeyExchangePublicParameters;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.encoders.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BouncyCastle crypto against independent implementations: BouncyCastle's own SM2Signer,
 * OpenSSL 3 (SM2 signatures with the default ID, SM2 encryption in the GM/T 0009 DER form), and
 * the GB/T 32918.3 key exchange formulas written out here.
 */
class BcTlcpCryptoTest {

  private static final BcTlcpCrypto CRYPTO = new BcTlcpCrypto();
  private static final X9ECParameters X9 = GMNamedCurves.getByName("sm2p256v1");
  private static final ECDomainParameters SM2 = new ECDomainParameters(X9);
  private static final byte[] ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  @Test
  void ourSignatureVerifiesWithSm2SignerAndNotOtherwise() throws Exception {
    AsymmetricCipherKeyPair pair = keyPair();
    Sm2PrivateKey key = CRYPTO.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) pair.getPrivate()));
    byte[] message = "signed handshake hash".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 20; i++) {
      byte[] sig = CRYPTO.sm2Sign(key, message);
      SM2Signer verifier = new SM2Signer();
      verifier.init(false, new ParametersWithID(pair.getPublic(), ID));
      verifier.update(message, 0, message.length);
      assertThat(verifier.verifySignature(sig)).isTrue();
      assertThat(CRYPTO.sm2Verify(key.publicKey(), message, sig)).isTrue();
      byte[] other = message.clone();
      other[0] ^= 1;
      assertThat(CRYPTO.sm2Verify(key.publicKey(), other, sig)).isFalse();
    }
    assertThat(CRYPTO.sm2Verify(key.publicKey(), message, new byte[] {0x30, 0x00})).isFalse();
    assertThat(key.toString()).doesNotContain(((ECPrivateKeyParameters) pair.getPrivate()).getD().toString(16));
  }

  @Test
  void verificationAgreesWithSm2Signer() throws Exception {
    AsymmetricCipherKeyPair pair = keyPair();
    Sm2PublicKey pub = CRYPTO.sm2PublicKey(org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory
        .createSubjectPublicKeyInfo(pair.getPublic()).getEncoded());
    byte[] message = "certificate tbs".getBytes(StandardCharsets.US_ASCII);
    BigInteger n = SM2.getN();
    for (int i = 0; i < 20; i++) {
      SM2Signer signer = new SM2Signer();
      signer.init(true, new ParametersWithID(pair.getPrivate(), ID));
      signer.update(message, 0, message.length);
      byte[] sig = signer.generateSignature();
      // the same key handle every time: BouncyCastle switches to cached tables after a few uses
      assertThat(CRYPTO.sm2Verify(pub, message, sig)).isTrue();
      BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(n, sig);
      for (BigInteger[] bad : new BigInteger[][] {
          {rs[0].add(BigInteger.ONE), rs[1]}, {rs[0], rs[1].add(BigInteger.ONE)},
          {BigInteger.ZERO, rs[1]}, {rs[0], BigInteger.ZERO}, {rs[0].add(n), rs[1]},
          {rs[0], rs[1].add(n)}, {rs[0], n.subtract(rs[0])}}) {
        byte[] forged = StandardDSAEncoding.INSTANCE.encode(n.add(n), bad[0], bad[1]);
        SM2Signer v = new SM2Signer();
        v.init(false, new ParametersWithID(pair.getPublic(), ID));
        v.update(message, 0, message.length);
        assertThat(v.verifySignature(forged)).isFalse();
        assertThat(CRYPTO.sm2Verify(pub, message, forged)).isFalse();
      }
      // not DER: trailing byte
      byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
      assertThat(CRYPTO.sm2Verify(pub, message, trailing)).isFalse();
    }
  }

  @Test
  void interoperatesWithOpenSsl() throws Exception {
    AsymmetricCipherKeyPair pair = keyPair();
    PrivateKey pk = pkcs8((ECPrivateKeyParameters) pair.getPrivate());
    Sm2PrivateKey key = CRYPTO.sm2PrivateKey(pk);
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n" + Base64.toBase64String(pk.getEncoded())
        + "\n-----END PRIVATE KEY-----\n");

    // our signature, OpenSSL verifies
    Path message = dir.resolve("m");
    Files.write(message, "hello tlcp".getBytes(StandardCharsets.US_ASCII));
    Path sig = dir.resolve("sig");
    Files.write(sig, CRYPTO.sm2Sign(key, Files.readAllBytes(message)));
    assertThat(openssl("pkeyutl", "-verify", "-inkey", keyFile.toString(), "-in", message.toString(),
        "-rawin", "-digest", "sm3", "-sigfile", sig.toString(), "-pkeyopt", "distid:1234567812345678"))
        .contains("Verified Successfully");
    // OpenSSL's signature, we verify
    Path sig2 = dir.resolve("sig2");
    openssl("pkeyutl", "-sign", "-inkey", keyFile.toString(), "-in", message.toString(), "-rawin",
        "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-out", sig2.toString());
    assertThat(CRYPTO.sm2Verify(key.publicKey(), Files.readAllBytes(message), Files.readAllBytes(sig2))).isTrue();

    // our encryption, OpenSSL decrypts (GM/T 0009 DER form)
    byte[] secret = new byte[48];
    CRYPTO.random().nextBytes(secret);
    Path ct = dir.resolve("ct");
    Files.write(ct, CRYPTO.sm2Encrypt(key.publicKey(), secret));
    Path pt = dir.resolve("pt");
    openssl("pkeyutl", "-decrypt", "-inkey", keyFile.toString(), "-in", ct.toString(), "-out", pt.toString());
    assertThat(Files.readAllBytes(pt)).isEqualTo(secret);
    // OpenSSL's encryption, we decrypt
    Path ct2 = dir.resolve("ct2");
    openssl("pkeyutl", "-encrypt", "-inkey", keyFile.toString(), "-in", pt.toString(), "-out", ct2.toString());
    assertThat(CRYPTO.sm2Decrypt(key, Files.readAllBytes(ct2))).isEqualTo(secret);
  }

  @Test
  void decryptionFailuresAreUniform() throws Exception {
    Sm2PrivateKey key = CRYPTO.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) keyPair().getPrivate()));
    byte[] ct = CRYPTO.sm2Encrypt(key.publicKey(), new byte[48]);
    byte[] flipped = ct.clone();
    flipped[flipped.length - 1] ^= 1;
    assertThatThrownBy(() -> CRYPTO.sm2Decrypt(key, flipped)).isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> CRYPTO.sm2Decrypt(key, Arrays.copyOf(ct, ct.length - 1)))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> CRYPTO.sm2Decrypt(key, new byte[] {1, 2, 3}))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void keyExchangeAgreesAndFollowsGbT32918Part3() throws Exception {
    for (int round = 0; round < 5; round++) {
      AsymmetricCipherKeyPair a = keyPair(); // initiator (TLCP server) static encryption key
      AsymmetricCipherKeyPair b = keyPair(); // responder (TLCP client)
      AsymmetricCipherKeyPair ra = keyPair(); // ephemerals
      AsymmetricCipherKeyPair rb = keyPair();

      // BouncyCastle's SM2KeyExchange as the initiator
      SM2KeyExchange exchange = new SM2KeyExchange(new SM3Digest());
      exchange.init(new ParametersWithID(new SM2KeyExchangePrivateParameters(true,
          (ECPrivateKeyParameters) a.getPrivate(), (ECPrivateKeyParameters) ra.getPrivate()), ID));
      byte[] viaBc = exchange.calculateKey(384, new ParametersWithID(new SM2KeyExchangePublicParameters(
          (ECPublicKeyParameters) b.getPublic(), (ECPublicKeyParameters) rb.getPublic()), ID));

      // the standard's formulas, written out
      byte[] textbook = textbookInitiator(a, ra, b, rb, 48);
      assertThat(viaBc).isEqualTo(textbook);
    }

    // our interface: both roles agree (server = initiator, client = responder)
    Sm2PrivateKey server = CRYPTO.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) keyPair().getPrivate()));
    Sm2PrivateKey client = CRYPTO.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) keyPair().getPrivate()));
    Sm2EphemeralKey se = CRYPTO.sm2GenerateEphemeral();
    Sm2EphemeralKey ce = CRYPTO.sm2GenerateEphemeral();
    byte[] k1 = CRYPTO.sm2KeyExchange(48, true, server, se, client.publicKey(), ce.encodedPoint());
    byte[] k2 = CRYPTO.sm2KeyExchange(48, false, client, ce, server.publicKey(), se.encodedPoint());
    assertThat(k1).hasSize(48).isEqualTo(k2);
    // roles matter: two initiators do not agree
    byte[] k3 = CRYPTO.sm2KeyExchange(48, true, client, ce, server.publicKey(), se.encodedPoint());
    assertThat(k3).isNotEqualTo(k1);
    byte[] offCurve = se.encodedPoint();
    offCurve[64] ^= 1;
    assertThatThrownBy(() -> CRYPTO.sm2KeyExchange(48, true, server, se, client.publicKey(), offCurve))
        .isInstanceOf(java.security.InvalidKeyException.class);
  }

  /** GB/T 32918.3-2016 clause 6.1, steps A4-A8, for user A. */
  private static byte[] textbookInitiator(AsymmetricCipherKeyPair a, AsymmetricCipherKeyPair ra,
      AsymmetricCipherKeyPair b, AsymmetricCipherKeyPair rb, int klen) {
    BigInteger n = SM2.getN();
    int w = (n.bitLength() + 1) / 2 - 1;
    BigInteger twoW = BigInteger.ONE.shiftLeft(w);
    ECPoint ra1 = ((ECPublicKeyParameters) ra.getPublic()).getQ().normalize();
    ECPoint rb1 = ((ECPublicKeyParameters) rb.getPublic()).getQ().normalize();
    BigInteger x1 = twoW.add(ra1.getAffineXCoord().toBigInteger().and(twoW.subtract(BigInteger.ONE)));
    BigInteger tA = ((ECPrivateKeyParameters) a.getPrivate()).getD()
        .add(x1.multiply(((ECPrivateKeyParameters) ra.getPrivate()).getD())).mod(n);
    BigInteger x2 = twoW.add(rb1.getAffineXCoord().toBigInteger().and(twoW.subtract(BigInteger.ONE)));
    ECPoint pb = ((ECPublicKeyParameters) b.getPublic()).getQ();
    ECPoint u = pb.add(rb1.multiply(x2)).multiply(SM2.getH().multiply(tA)).normalize();
    byte[] za = BcTlcpCrypto.z(((ECPublicKeyParameters) a.getPublic()).getQ());
    byte[] zb = BcTlcpCrypto.z(pb);
    SM3Digest d = new SM3Digest();
    byte[] out = new byte[klen];
    byte[] block = new byte[32];
    for (int ct = 1, off = 0; off < klen; ct++, off += 32) {
      d.update(BigIntegers.asUnsignedByteArray(32, u.getAffineXCoord().toBigInteger()), 0, 32);
      d.update(BigIntegers.asUnsignedByteArray(32, u.getAffineYCoord().toBigInteger()), 0, 32);
      d.update(za, 0, 32);
      d.update(zb, 0, 32);
      d.update(new byte[] {(byte) (ct >>> 24), (byte) (ct >>> 16), (byte) (ct >>> 8), (byte) ct}, 0, 4);
      d.doFinal(block, 0);
      System.arraycopy(block, 0, out, off, Math.min(32, klen - off));
    }
    return out;
  }

  @Test
  void refusesNonSm2Keys() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    PrivateKey p256 = g.generateKeyPair().getPrivate();
    assertThatThrownBy(() -> CRYPTO.sm2PrivateKey(p256)).isInstanceOf(java.security.InvalidKeyException.class);
  }

  static AsymmetricCipherKeyPair keyPair() {
    ECKeyPairGenerator g = new ECKeyPairGenerator();
    g.init(new ECKeyGenerationParameters(SM2, CRYPTO.random()));
    return g.generateKeyPair();
  }

  static PrivateKey pkcs8(ECPrivateKeyParameters key) throws IOException {
    ECPrivateKeyParameters named = new ECPrivateKeyParameters(key.getD(),
        new org.bouncycastle.crypto.params.ECNamedDomainParameters(
            org.bouncycastle.asn1.gm.GMObjectIdentifiers.sm2p256v1, X9));
    byte[] der = PrivateKeyInfoFactory.createPrivateKeyInfo(named).getEncoded();
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

  private static String openssl(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), out).isZero();
    return out;
  }
}
