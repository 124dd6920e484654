package io.gmtls.certsdev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.crypto.BouncyCastle;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated certificates have the shapes strict TLCP peers accept, checked with BouncyCastle. */
class DevPkiShapeTest {
    private static final int DIGITAL_SIGNATURE = 0, NON_REPUDIATION = 1, KEY_ENCIPHERMENT = 2,
            DATA_ENCIPHERMENT = 3, KEY_AGREEMENT = 4, KEY_CERT_SIGN = 5, CRL_SIGN = 6;

    private static DevPki pki;

    @BeforeAll
    static void generate() {
        pki = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(2)
                .withDnsNames(List.of("localhost", "gateway.example.test")));
    }

    @Test
    void everyCertificateIsSignedByItsIssuerAndAtMostTenYearsLong() throws Exception {
        for (Credential c : all()) {
            List<X509Certificate> chain = c.chain();
            for (int i = 0; i < chain.size(); i++) {
                X509Certificate cert = chain.get(i);
                X509Certificate issuer = chain.get(Math.min(i + 1, chain.size() - 1));
                cert.verify(issuer.getPublicKey(), BouncyCastle.PROVIDER);
                Instant tenYears = cert.getNotBefore().toInstant().atOffset(ZoneOffset.UTC).plusYears(10).toInstant();
                assertThat(cert.getNotAfter().toInstant()).as("%s validity", c.role()).isBeforeOrEqualTo(tenYears);
                if (i + 1 < chain.size()) {
                    assertThat(cert.getNotAfter()).as("%s outlives its issuer", c.role()).isBeforeOrEqualTo(issuer.getNotAfter());
                    assertThat(authorityKeyId(cert)).as("AKI of %s", c.role()).isEqualTo(subjectKeyId(issuer));
                }
            }
        }
    }

    @Test
    void keyUsagesBasicConstraintsAndNamesPerRole() {
        for (Credential c : all()) {
            X509Certificate cert = c.certificate();
            boolean[] ku = cert.getKeyUsage();
            assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.keyUsage.getId());
            switch (c.role().shape()) {
                case ROOT_CA, ISSUING_CA -> {
                    assertThat(cert.getBasicConstraints()).as("%s is a CA", c.role()).isGreaterThanOrEqualTo(0);
                    assertThat(set(ku)).containsExactly(KEY_CERT_SIGN, CRL_SIGN);
                }
                case TLCP_SIGN_SERVER, TLCP_SIGN_CLIENT -> assertThat(set(ku)).containsExactly(DIGITAL_SIGNATURE, NON_REPUDIATION);
                case TLCP_ENC_SERVER, TLCP_ENC_CLIENT -> assertThat(set(ku)).containsExactly(KEY_ENCIPHERMENT, DATA_ENCIPHERMENT, KEY_AGREEMENT);
                case TLS_SERVER, TLS_CLIENT -> assertThat(set(ku)).containsExactly(DIGITAL_SIGNATURE);
            }
            if (!c.role().shape().isCa()) {
                assertThat(cert.getExtensionValue(Extension.basicConstraints.getId()))
                        .as("end-entity %s carries no basicConstraints", c.role()).isNull();
            }
            byte[] san = cert.getExtensionValue(Extension.subjectAlternativeName.getId());
            if (c.role().shape().isServer()) {
                assertThat(san).as("server %s has a SAN", c.role()).isNotNull();
            } else {
                assertThat(san).as("%s has no SAN", c.role()).isNull();
            }
        }
        assertThat(pki.gatewaySign().commonName()).isEqualTo("localhost");
        assertThat(pki.modelSign().commonName()).isEqualTo("GMTDEV01");
        assertThat(pki.gatewaySign().certificate().getSubjectX500Principal())
                .isEqualTo(pki.gatewayEnc().certificate().getSubjectX500Principal());
    }

    /**
     * Role separation: gateway certificates (TLCP signing and encryption, TLS 1.3) carry serverAuth,
     * vehicle and model certificates (TLCP signing and encryption, TLS client) clientAuth; CAs none.
     */
    @Test
    void gatewayCertificatesCarryServerAuthAndVehicleCertificatesClientAuth() throws Exception {
        String serverAuth = KeyPurposeId.id_kp_serverAuth.getId();
        String clientAuth = KeyPurposeId.id_kp_clientAuth.getId();
        for (Credential c : all()) {
            List<String> eku = c.certificate().getExtendedKeyUsage();
            if (c.role().shape().isCa()) {
                assertThat(eku).as("CA %s", c.role()).isNull();
            } else if (c.role().shape().isServer()) {
                assertThat(eku).as("gateway %s", c.role()).containsExactly(serverAuth);
            } else {
                assertThat(eku).as("client %s", c.role()).containsExactly(clientAuth);
            }
        }
        assertThat(pki.gatewaySign().certificate().getExtendedKeyUsage()).containsExactly(serverAuth);
        assertThat(pki.gatewayEnc().certificate().getExtendedKeyUsage()).containsExactly(serverAuth);
        assertThat(pki.vehicles().get(0).sign().certificate().getExtendedKeyUsage()).containsExactly(clientAuth);
        assertThat(pki.vehicles().get(0).enc().certificate().getExtendedKeyUsage()).containsExactly(clientAuth);
    }

    @Test
    void vehiclesHaveVinShapedCommonNames() {
        assertThat(pki.vehicles()).hasSize(2);
        for (Vehicle v : pki.allVehicles()) {
            assertThat(v.vin()).matches("[A-HJ-NPR-Z0-9]{17}");
            assertThat(v.sign().commonName()).isEqualTo(v.vin());
            assertThat(v.enc().commonName()).isEqualTo(v.vin());
            assertThat(v.ecdsa().commonName()).isEqualTo(v.vin());
        }
        assertThat(pki.vehicles()).extracting(Vehicle::vin).doesNotHaveDuplicates()
                .doesNotContain(pki.revokedVehicle().vin());
    }

    @Test
    void sm2KeysAndSignaturesUseTheSm2Oids() throws Exception {
        for (Credential c : all()) {
            X509CertificateHolder holder = new X509CertificateHolder(c.certificate().getEncoded());
            SubjectPublicKeyInfo spki = holder.getSubjectPublicKeyInfo();
            if (c.role().keyType() == KeyType.SM2) {
                assertThat(spki.getAlgorithm().getParameters()).isEqualTo(GMObjectIdentifiers.sm2p256v1);
                assertThat(holder.getSignatureAlgorithm().getAlgorithm()).isEqualTo(GMObjectIdentifiers.sm2sign_with_sm3);
            } else {
                assertThat(holder.getSignatureAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.10045.4.3.2");
            }
        }
    }

    @Test
    void crlsListTheRevokedVehicleOnly() {
        assertThat(pki.sm2Crl().isRevoked(pki.revokedVehicle().sign().certificate())).isTrue();
        assertThat(pki.sm2Crl().isRevoked(pki.revokedVehicle().enc().certificate())).isTrue();
        assertThat(pki.ecdsaCrl().isRevoked(pki.revokedVehicle().ecdsa().certificate())).isTrue();
        for (Vehicle v : pki.vehicles()) {
            assertThat(pki.sm2Crl().isRevoked(v.sign().certificate())).isFalse();
            assertThat(pki.ecdsaCrl().isRevoked(v.ecdsa().certificate())).isFalse();
        }
        assertThat(pki.sm2Crl().getNextUpdate().toInstant())
                .isEqualTo(pki.sm2Crl().getThisUpdate().toInstant().plus(Duration.ofDays(7)));
    }

    @Test
    void serialsAreRandomPositiveAndDistinct() {
        List<X509Certificate> certs = all().stream().map(Credential::certificate).toList();
        assertThat(certs).allSatisfy(c -> assertThat(c.getSerialNumber().bitLength()).isBetween(64, 159));
        assertThat(certs).extracting(X509Certificate::getSerialNumber).doesNotHaveDuplicates();
    }

    /** Same extensions, criticality, key usages and algorithms as the Tongsuo peer certificates. */
    @Test
    void tlcpCertificatesHaveTheShapeOfThePeerCertificates() throws Exception {
        // The Tongsuo interop certificates, copied into this module's test resources.
        Path peer = Path.of(getClass().getClassLoader().getResource("interop/tlcp/pki").toURI());
        assertSameShape(pki.gatewaySign().certificate(), read(peer.resolve("server_sign.crt")));
        assertSameShape(pki.gatewayEnc().certificate(), read(peer.resolve("server_enc.crt")));
        assertSameShape(pki.vehicles().get(0).sign().certificate(), read(peer.resolve("client_sign.crt")));
        assertSameShape(pki.vehicles().get(0).enc().certificate(), read(peer.resolve("client_enc.crt")));
        assertSameShape(pki.modelSign().certificate(), read(peer.resolve("client_sign.crt")));
        X509Certificate peerRoot = read(peer.resolve("ca.crt"));
        assertThat(pki.sm2Root().certificate().getKeyUsage()).isEqualTo(peerRoot.getKeyUsage());
        assertThat(pki.sm2Root().certificate().getBasicConstraints()).isEqualTo(peerRoot.getBasicConstraints());
    }

    @Test
    void optionsRejectBadValues() {
        assertThatThrownBy(() -> DevPkiOptions.defaults().withVehicles(-1)).hasMessageContaining("vehicles");
        assertThatThrownBy(() -> DevPkiOptions.defaults().withDnsNames(List.of("bad name"))).hasMessageContaining("DNS");
        assertThatThrownBy(() -> DevPkiOptions.defaults().withModelCode("x y")).hasMessageContaining("model code");
        assertThatThrownBy(() -> DevPkiOptions.defaults().withPassphrase(new char[0])).hasMessageContaining("empty");
        assertThat(DevPkiOptions.defaults().withPassphrase("secret".toCharArray()).toString()).doesNotContain("secret");
        assertThat(pki.gatewaySign().toString()).doesNotContain("PRIVATE");
    }

    private static void assertSameShape(X509Certificate ours, X509Certificate theirs) throws Exception {
        assertThat(ours.getSigAlgOID()).isEqualTo(theirs.getSigAlgOID());
        assertThat(ours.getCriticalExtensionOIDs()).isEqualTo(theirs.getCriticalExtensionOIDs());
        Set<String> ourNonCritical = new TreeSet<>(ours.getNonCriticalExtensionOIDs());
        Set<String> theirNonCritical = new TreeSet<>(theirs.getNonCriticalExtensionOIDs());
        if (ours.getSubjectAlternativeNames() == null) {
            theirNonCritical.remove(Extension.subjectAlternativeName.getId());
        }
        // The one deliberate difference: ours name their role (serverAuth / clientAuth), the peers' carry no EKU.
        if (theirs.getExtendedKeyUsage() == null) {
            ourNonCritical.remove(Extension.extendedKeyUsage.getId());
        } else {
            assertThat(ours.getExtendedKeyUsage()).isEqualTo(theirs.getExtendedKeyUsage());
        }
        assertThat(ourNonCritical).isEqualTo(theirNonCritical);
        assertThat(ours.getKeyUsage()).isEqualTo(theirs.getKeyUsage());
        assertThat(ours.getBasicConstraints()).isEqualTo(theirs.getBasicConstraints());
        assertThat(spkiCurve(ours)).isEqualTo(spkiCurve(theirs));
        assertThat(ours.getVersion()).isEqualTo(theirs.getVersion());
    }

    private static ASN1ObjectIdentifier spkiCurve(X509Certificate cert) {
        return (ASN1ObjectIdentifier) SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded())
                .getAlgorithm().getParameters();
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509", BouncyCastle.PROVIDER).generateCertificate(in);
        }
    }

    private static byte[] subjectKeyId(X509Certificate cert) throws Exception {
        return SubjectKeyIdentifier.getInstance(new X509CertificateHolder(cert.getEncoded())
                .getExtension(Extension.subjectKeyIdentifier).getParsedValue()).getKeyIdentifier();
    }

    private static byte[] authorityKeyId(X509Certificate cert) throws Exception {
        return AuthorityKeyIdentifier.getInstance(new X509CertificateHolder(cert.getEncoded())
                .getExtension(Extension.authorityKeyIdentifier).getParsedValue()).getKeyIdentifier();
    }

    private static Set<Integer> set(boolean[] bits) {
        Set<Integer> set = new TreeSet<>();
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                set.add(i);
            }
        }
        return set;
    }

    private static List<Credential> all() {
        List<Credential> all = new java.util.ArrayList<>(List.of(pki.sm2Root(), pki.sm2Issuing(), pki.gatewaySign(),
                pki.gatewayEnc(), pki.gatewaySm2Tls(), pki.modelSign(), pki.modelEnc(), pki.ecdsaRoot(),
                pki.ecdsaIssuing(), pki.ecdsaGateway()));
        for (Vehicle v : pki.allVehicles()) {
            all.addAll(Arrays.asList(v.sign(), v.enc(), v.ecdsa()));
        }
        return all;
    }
}
