package io.gmtls.tlcp.crypto.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.tlcp.crypto.Sm2EphemeralKey;
import io.gmtls.tlcp.crypto.Sm2PrivateKey;
import io.gmtls.tlcp.crypto.Sm2PublicKey;
import io.gmtls.tlcp.crypto.TlcpCrypto;
import io.gmtls.tlcp.crypto.bc.BcTlcpCrypto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
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
import org.bouncycastle.util.encoders.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FastTlcpCrypto against BcTlcpCrypto through the {@link TlcpCrypto} interface the engine uses
 * (the same PKCS#8 and SubjectPublicKeyInfo given to both): signatures, encryption and the key
 * exchange in both directions, and OpenSSL 3 as a third party.
 */
class FastTlcpCryptoTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final FastTlcpCrypto FAST = new FastTlcpCrypto(RANDOM);
  private static final BcTlcpCrypto BC = new BcTlcpCrypto(RANDOM);
  private static final X9ECParameters X9 = CustomNamedCurves.getByName("sm2p256v1");
  private static final ECDomainParameters SM2 = new ECDomainParameters(X9);

  @TempDir
  Path dir;

  @Test
  void signaturesAndEncryptionInteroperateWithBouncyCastle() throws Exception {
    for (int i = 0; i < 200; i++) {
      AsymmetricCipherKeyPair pair = keyPair();
      PrivateKey pk = pkcs8((ECPrivateKeyParameters) pair.getPrivate());
      byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic()).getEncoded();
      Sm2PrivateKey fastKey = FAST.sm2PrivateKey(pk);
      Sm2PrivateKey bcKey = BC.sm2PrivateKey(pk);
      Sm2PublicKey fastPub = FAST.sm2PublicKey(spki);
      Sm2PublicKey bcPub = BC.sm2PublicKey(spki);
      assertThat(fastKey.publicKey().encodedPoint()).isEqualTo(bcKey.publicKey().encodedPoint());
      assertThat(fastPub.encodedPoint()).isEqualTo(bcPub.encodedPoint());

      byte[] message = new byte[RANDOM.nextInt(300)];
      RANDOM.nextBytes(message);
      assertThat(BC.sm2Verify(bcPub, message, FAST.sm2Sign(fastKey, message))).isTrue();
      assertThat(FAST.sm2Verify(fastPub, message, BC.sm2Sign(bcKey, message))).isTrue();
      assertThat(FAST.sm2Verify(fastKey.publicKey(), message, BC.sm2Sign(bcKey, message))).isTrue();
      byte[] other = Arrays.copyOf(message, message.length + 1);
      assertThat(FAST.sm2Verify(fastPub, other, BC.sm2Sign(bcKey, message))).isFalse();

      byte[] secret = new byte[48];
      RANDOM.nextBytes(secret);
      assertThat(BC.sm2Decrypt(bcKey, FAST.sm2Encrypt(fastPub, secret))).isEqualTo(secret);
      assertThat(FAST.sm2Decrypt(fastKey, BC.sm2Encrypt(bcPub, secret))).isEqualTo(secret);
    }
  }

  @Test
  void keyExchangeAgreesWithBouncyCastleInBothRoles() throws Exception {
    for (int i = 0; i < 100; i++) {
      AsymmetricCipherKeyPair s = keyPair();
      AsymmetricCipherKeyPair c = keyPair();
      Sm2PrivateKey serverFast = FAST.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) s.getPrivate()));
      Sm2PrivateKey clientBc = BC.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) c.getPrivate()));
      Sm2PublicKey clientForFast = FAST.sm2PublicKey(spki(c));
      Sm2PublicKey serverForBc = BC.sm2PublicKey(spki(s));
      Sm2EphemeralKey se = FAST.sm2GenerateEphemeral();
      Sm2EphemeralKey ce = BC.sm2GenerateEphemeral();
      byte[] k1 = FAST.sm2KeyExchange(48, true, serverFast, se, clientForFast, ce.encodedPoint());
      byte[] k2 = BC.sm2KeyExchange(48, false, clientBc, ce, serverForBc, se.encodedPoint());
      assertThat(k1).hasSize(48).isEqualTo(k2);
      // and the other way round: BC initiates, we respond
      Sm2PrivateKey serverBc = BC.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) s.getPrivate()));
      Sm2PrivateKey clientFast = FAST.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) c.getPrivate()));
      Sm2EphemeralKey se2 = BC.sm2GenerateEphemeral();
      Sm2EphemeralKey ce2 = FAST.sm2GenerateEphemeral();
      byte[] k3 = BC.sm2KeyExchange(48, true, serverBc, se2, BC.sm2PublicKey(spki(c)), ce2.encodedPoint());
      byte[] k4 = FAST.sm2KeyExchange(48, false, clientFast, ce2, FAST.sm2PublicKey(spki(s)),
          se2.encodedPoint());
      assertThat(k4).isEqualTo(k3);
    }
  }

  @Test
  void invalidInputsFailClosed() throws Exception {
    AsymmetricCipherKeyPair s = keyPair();
    Sm2PrivateKey key = FAST.sm2PrivateKey(pkcs8((ECPrivateKeyParameters) s.getPrivate()));
    Sm2EphemeralKey e = FAST.sm2GenerateEphemeral();
    byte[] offCurve = e.encodedPoint();
    offCurve[64] ^= 1;
    assertThatThrownBy(() -> FAST.sm2KeyExchange(48, true, key, e, key.publicKey(), offCurve))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> FAST.sm2KeyExchange(48, true, key, e, key.publicKey(), new byte[] {0}))
        .isInstanceOf(InvalidKeyException.class);
    byte[] badSpki = spki(s);
    badSpki[badSpki.length - 1] ^= 1;
    assertThatThrownBy(() -> FAST.sm2PublicKey(badSpki)).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> FAST.sm2PublicKey(new byte[] {0x30, 0})).isInstanceOf(InvalidKeyException.class);
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    PrivateKey p256 = g.generateKeyPair().getPrivate();
    assertThatThrownBy(() -> FAST.sm2PrivateKey(p256)).isInstanceOf(InvalidKeyException.class);

    byte[] ct = FAST.sm2Encrypt(key.publicKey(), new byte[48]);
    for (int pos : new int[] {5, 40, ct.length - 40, ct.length - 1}) {
      byte[] t = ct.clone();
      t[pos] ^= 1;
      assertThatThrownBy(() -> FAST.sm2Decrypt(key, t)).isInstanceOf(GeneralSecurityException.class);
    }
    assertThatThrownBy(() -> FAST.sm2Decrypt(key, Arrays.copyOf(ct, ct.length - 1)))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> FAST.sm2Decrypt(key, new byte[] {1, 2, 3}))
        .isInstanceOf(GeneralSecurityException.class);
    assertThat(FAST.sm2Verify(key.publicKey(), new byte[1], new byte[] {0x30, 0})).isFalse();
    assertThat(key.toString()).doesNotContain(((ECPrivateKeyParameters) s.getPrivate()).getD().toString(16));
  }

  @Test
  void interoperatesWithOpenSsl() throws Exception {
    AsymmetricCipherKeyPair pair = keyPair();
    PrivateKey pk = pkcs8((ECPrivateKeyParameters) pair.getPrivate());
    Sm2PrivateKey key = FAST.sm2PrivateKey(pk);
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n" + Base64.toBase64String(pk.getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    Path message = dir.resolve("m");
    Files.write(message, "hello tlcp".getBytes(StandardCharsets.US_ASCII));
    Path sig = dir.resolve("sig");
    Files.write(sig, FAST.sm2Sign(key, Files.readAllBytes(message)));
    assertThat(openssl("pkeyutl", "-verify", "-inkey", keyFile.toString(), "-in", message.toString(),
        "-rawin", "-digest", "sm3", "-sigfile", sig.toString(), "-pkeyopt", "distid:1234567812345678"))
        .contains("Verified Successfully");
    Path sig2 = dir.resolve("sig2");
    openssl("pkeyutl", "-sign", "-inkey", keyFile.toString(), "-in", message.toString(), "-rawin",
        "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-out", sig2.toString());
    assertThat(FAST.sm2Verify(key.publicKey(), Files.readAllBytes(message), Files.readAllBytes(sig2)))
        .isTrue();
    byte[] secret = new byte[48];
    RANDOM.nextBytes(secret);
    Path ct = dir.resolve("ct");
    Files.write(ct, FAST.sm2Encrypt(key.publicKey(), secret));
    Path pt = dir.resolve("pt");
    openssl("pkeyutl", "-decrypt", "-inkey", keyFile.toString(), "-in", ct.toString(), "-out", pt.toString());
    assertThat(Files.readAllBytes(pt)).isEqualTo(secret);
    Path ct2 = dir.resolve("ct2");
    openssl("pkeyutl", "-encrypt", "-inkey", keyFile.toString(), "-in", pt.toString(), "-out", ct2.toString());
    assertThat(FAST.sm2Decrypt(key, Files.readAllBytes(ct2))).isEqualTo(secret);
  }

  @Test
  void oursIsTheDefaultAndBouncyCastleIsSelectable() {
    String old = System.getProperty(TlcpCryptos.PROPERTY);
    try {
      System.clearProperty(TlcpCryptos.PROPERTY);
      assertThat(TlcpCryptos.createDefault()).isInstanceOf(FastTlcpCrypto.class);
      System.setProperty(TlcpCryptos.PROPERTY, "bc");
      assertThat(TlcpCryptos.createDefault()).isInstanceOf(BcTlcpCrypto.class);
      System.setProperty(TlcpCryptos.PROPERTY, "fast");
      assertThat(TlcpCryptos.createDefault()).isInstanceOf(FastTlcpCrypto.class);
      System.setProperty(TlcpCryptos.PROPERTY, "native");
      assertThatThrownBy(TlcpCryptos::createDefault).hasMessageContaining(TlcpCryptos.PROPERTY);
    } finally {
      if (old == null) {
        System.clearProperty(TlcpCryptos.PROPERTY);
      } else {
        System.setProperty(TlcpCryptos.PROPERTY, old);
      }
    }
  }

  private static AsymmetricCipherKeyPair keyPair() {
    ECKeyPairGenerator g = new ECKeyPairGenerator();
    g.init(new ECKeyGenerationParameters(SM2, RANDOM));
    return g.generateKeyPair();
  }

  private static byte[] spki(AsymmetricCipherKeyPair pair) throws IOException {
    ECPublicKeyParameters pub = (ECPublicKeyParameters) pair.getPublic();
    return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(new ECPublicKeyParameters(pub.getQ(),
        new ECNamedDomainParameters(GMObjectIdentifiers.sm2p256v1, X9))).getEncoded();
  }

  private static PrivateKey pkcs8(ECPrivateKeyParameters key) throws IOException {
    ECPrivateKeyParameters named = new ECPrivateKeyParameters(key.getD(),
        new ECNamedDomainParameters(GMObjectIdentifiers.sm2p256v1, X9));
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
