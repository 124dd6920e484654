package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.crypto.SubjectKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subject keys are re-encoded, never copied from the request: a CSR with a compressed point or with
 * the SM2 curve OID as its algorithm still gives a certificate with {@code id-ecPublicKey},
 * sm2p256v1 (or P-256) and the uncompressed point, which OpenSSL loads; keys compare by value.
 */
class SubjectKeyEncodingTest {

    private static final String VIN = "LGMDEV00000000001";

    @TempDir
    Path dir;

    @Test
    void compressedPointCsrGivesACertificateWithTheUncompressedNamedCurveKey() throws Exception {
        KeyPair key = TestSupport.sm2();
        SubjectPublicKeyInfo standard = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        SubjectPublicKeyInfo compressed = new SubjectPublicKeyInfo(standard.getAlgorithm(), point(key, true));
        assertThat(compressed.getPublicKeyData().getOctets()).hasSize(33);

        X509Certificate cert = issue("vehicle-sign", VIN, TestSupport.csrWithKeyEncoding(key, VIN, compressed));

        assertThat(spkiOf(cert).getEncoded()).isEqualTo(standard.getEncoded());
        assertOpenSslLoadsTheKey(cert, key);
    }

    @Test
    void sm2CurveOidAsTheAlgorithmGivesACertificateWithIdEcPublicKey() throws Exception {
        KeyPair key = TestSupport.sm2();
        SubjectPublicKeyInfo sm2Oid = new SubjectPublicKeyInfo(new AlgorithmIdentifier(GMObjectIdentifiers.sm2p256v1),
                point(key, false));
        assertThat(KeyAlgorithm.of(sm2Oid)).isEqualTo(KeyAlgorithm.SM2);

        X509Certificate cert = issue("vehicle-sign", VIN, TestSupport.csrWithKeyEncoding(key, VIN, sm2Oid));

        SubjectPublicKeyInfo issued = spkiOf(cert);
        assertThat(issued.getAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.id_ecPublicKey);
        assertThat(issued.getAlgorithm().getParameters()).isEqualTo(GMObjectIdentifiers.sm2p256v1);
        assertThat(issued.getPublicKeyData().getOctets()).isEqualTo(point(key, false));
        assertOpenSslLoadsTheKey(cert, key);
    }

    @Test
    void compressedP256CsrGivesTheUncompressedP256Key() throws Exception {
        KeyPair key = TestSupport.ec("secp256r1");
        SubjectPublicKeyInfo standard = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        SubjectPublicKeyInfo compressed = new SubjectPublicKeyInfo(standard.getAlgorithm(), point(key, true));

        var verified = CertificateRequests.verify(TestSupport.csrWithKeyEncoding(key, "gw.example.test", compressed));

        assertThat(verified.publicKey().getEncoded()).isEqualTo(standard.getEncoded());
    }

    @Test
    void keysCompareByValueWhateverTheirEncoding() throws Exception {
        KeyPair key = TestSupport.sm2();
        SubjectPublicKeyInfo standard = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        SubjectPublicKeyInfo compressed = new SubjectPublicKeyInfo(standard.getAlgorithm(), point(key, true));
        SubjectPublicKeyInfo sm2Oid = new SubjectPublicKeyInfo(new AlgorithmIdentifier(GMObjectIdentifiers.sm2p256v1),
                point(key, true));
        assertThat(SubjectKeys.sameKey(standard, compressed)).isTrue();
        assertThat(SubjectKeys.sameKey(standard, sm2Oid)).isTrue();
        assertThat(SubjectKeys.sameKey(standard,
                SubjectPublicKeyInfo.getInstance(TestSupport.sm2().getPublic().getEncoded()))).isFalse();
    }

    private X509Certificate issue(String profile, String cn, byte[] csr) throws Exception {
        return new InMemoryCa().issue(profile, CertificateRequests.verify(csr).publicKey(), cn);
    }

    private void assertOpenSslLoadsTheKey(X509Certificate cert, KeyPair key) throws Exception {
        Path file = dir.resolve("leaf.pem");
        Files.writeString(file, TestSupport.pem("CERTIFICATE", cert.getEncoded()));
        TestSupport.Result pub = TestSupport.openssl(dir, "x509", "-in", "leaf.pem", "-noout", "-pubkey");
        assertThat(pub.exit()).as(pub.output()).isZero();
        TestSupport.Result text = TestSupport.openssl(dir, "x509", "-in", "leaf.pem", "-noout", "-text");
        assertThat(text.output()).contains("id-ecPublicKey").contains("SM2").doesNotContain("Unable to load");
        assertThat(((ECPublicKey) cert.getPublicKey()).getW()).isEqualTo(((ECPublicKey) key.getPublic()).getW());
    }

    /** The key as the certificate encodes it (a JCA key would be re-encoded on the way). */
    private static SubjectPublicKeyInfo spkiOf(X509Certificate cert) throws Exception {
        return new org.bouncycastle.cert.X509CertificateHolder(cert.getEncoded()).getSubjectPublicKeyInfo();
    }

    private static byte[] point(KeyPair key, boolean compressed) {
        var bc = (org.bouncycastle.jce.interfaces.ECPublicKey) key.getPublic();
        return bc.getQ().getEncoded(compressed);
    }
}
