package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.CrlStore.StoredCrl;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.Sm2EnvelopedKey;
import io.gmtls.crypto.Sm2Keys;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CA core on the in-memory adapters, no database: a vehicle pair, revocation and the CRL it
 * leads to, hold and release, the profile rules, and a refused request leaving the stores as they
 * were. Runs in seconds.
 */
class InMemoryCaCoreTest {

    private static final Actor OPERATOR = new Actor("operator", "operator");
    private static final String MODEL = "MODEL-X";
    private static final String VIN = "LGWEF4A59NF000001";

    private InMemoryCaCore ca;

    @BeforeEach
    void setUp() throws Exception {
        ca = new InMemoryCaCore();
        ca.vehicles.addModel(new VehicleModel(MODEL, "Model X", false), OPERATOR);
        ca.vehicles.addVehicles(List.of(new Vehicle(VIN, MODEL)), OPERATOR);
    }

    /** Issue 13: a blocked VIN gets no certificate, audited block/unblock; model codes are never VIN-shaped. */
    @Test
    void aBlockedVinGetsNoCertificateUntilUnblockedAndAModelCodeIsNeverAVin() throws Exception {
        ca.vehicles.setBlocked(VIN, true, ca.clock.instant(), OPERATOR);
        assertThat(ca.vehicles.vehicle(VIN).orElseThrow().blocked()).isTrue();
        assertThatThrownBy(() -> ca.authority.issueVehiclePair(
                new VehiclePairRequest(VIN, TestSupport.csr(TestSupport.sm2(), VIN)), OPERATOR))
                .isInstanceOf(PkiException.class).hasMessageContaining("blocked");
        ca.vehicles.setBlocked(VIN, false, ca.clock.instant(), OPERATOR);
        assertThat(ca.vehicles.vehicle(VIN).orElseThrow().unblockedAt()).isNotNull();
        assertThat(ca.authority.issueVehiclePair(new VehiclePairRequest(VIN, TestSupport.csr(TestSupport.sm2(), VIN)),
                OPERATOR).signing().vin()).isEqualTo(VIN);
        assertThat(ca.stores.audit.actions()).contains("vehicle.block", "vehicle.unblock");
        assertThatThrownBy(() -> ca.vehicles.addModel(new VehicleModel("LGWEF4A59NF000009", "VIN-shaped", true),
                OPERATOR)).isInstanceOf(PkiException.class);
    }

    @Test
    void issuesAVehiclePairWhoseEnvelopeOpensWithTheSigningKey() throws Exception {
        KeyPair signing = TestSupport.sm2();
        VehicleCredentials pair = ca.authority.issueVehiclePair(
                new VehiclePairRequest(VIN, TestSupport.csr(signing, VIN)), OPERATOR);

        X509Certificate sign = certificate(pair.signing().der());
        X509Certificate enc = certificate(pair.encryption().der());
        assertThat(pair.signing().usage()).isEqualTo(ProfileUsage.VEHICLE_SIGNING);
        assertThat(pair.encryption().usage()).isEqualTo(ProfileUsage.VEHICLE_ENCRYPTION);
        assertThat(pair.signing().commonName()).isEqualTo(VIN);
        assertThat(pair.signing().modelCode()).isEqualTo(MODEL);
        sign.verify(ca.issuing.getPublicKey(), GmCrypto.provider());
        enc.verify(ca.issuing.getPublicKey(), GmCrypto.provider());
        assertThat(sign.getPublicKey().getEncoded()).isEqualTo(signing.getPublic().getEncoded());
        // The encryption private key reaches the vehicle sealed to its signing key, and matches the certificate.
        KeyPair opened = Sm2EnvelopedKey.parse(pair.envelopedKey()).open(signing.getPrivate());
        assertThat(Sm2Keys.encodePoint(opened.getPublic())).isEqualTo(Sm2Keys.encodePoint(enc.getPublicKey()));
        assertThat(pair.chain()).containsExactly(ca.issuing, ca.root);

        assertThat(ca.stores.certificates.all()).extracting(IssuedCertificate::serial)
                .containsExactly(pair.signing().serial(), pair.encryption().serial());
        assertThat(ca.stores.audit.actions()).endsWith("vehicle.enroll");
        assertThat(ca.stores.audit.verify().intact()).isTrue();
    }

    @Test
    void anUnregisteredVinIsRefusedAndNothingIsStored() throws Exception {
        int auditBefore = ca.stores.audit.events().size();
        String unknown = "LGWEF4A59NF000002";
        assertThatThrownBy(() -> ca.authority.issueVehiclePair(
                new VehiclePairRequest(unknown, TestSupport.csr(TestSupport.sm2(), unknown)), OPERATOR))
                .isInstanceOfSatisfying(PkiException.class,
                        e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.BAD_REQUEST))
                .hasMessageContaining("not registered");
        assertThat(ca.stores.certificates.all()).isEmpty();
        // A caller's mistake (a 4xx) is not a CA failure: nothing is audited, nothing of the transaction remains.
        assertThat(ca.stores.audit.events()).hasSize(auditBefore);
        assertThat(ca.stores.audit.verify().intact()).isTrue();
    }

    @Test
    void aRevokedCertificateIsInTheNextCrlWithItsReason() throws Exception {
        VehicleCredentials pair = ca.authority.issueVehiclePair(
                new VehiclePairRequest(VIN, TestSupport.csr(TestSupport.sm2(), VIN)), OPERATOR);
        StoredCrl before = ca.crls.publishFull(ProfileCatalog.SM2_ISSUING);
        assertThat(crl(before).getRevokedCertificates()).isNull();

        ca.authority.revoke(pair.signing().serial(), RevocationReason.KEY_COMPROMISE, OPERATOR);

        // The authority republished the full and delta CRLs after the commit.
        StoredCrl full = ca.stores.crls.latest(ProfileCatalog.SM2_ISSUING, false).orElseThrow();
        StoredCrl delta = ca.stores.crls.latest(ProfileCatalog.SM2_ISSUING, true).orElseThrow();
        assertThat(full.number()).isGreaterThan(before.number());
        X509CRL parsed = crl(full);
        parsed.verify(ca.issuing.getPublicKey(), GmCrypto.provider());
        assertThat(parsed.getIssuerX500Principal()).isEqualTo(ca.issuing.getSubjectX500Principal());
        X509CRLEntry entry = parsed.getRevokedCertificate(new BigInteger(pair.signing().serial(), 16));
        assertThat(entry).isNotNull();
        assertThat(reasonCode(entry)).isEqualTo(RevocationReason.KEY_COMPROMISE.code());
        assertThat(parsed.getRevokedCertificate(new BigInteger(pair.encryption().serial(), 16))).isNull();
        // The delta is against that full CRL, which lists the revocation already.
        assertThat(delta.baseNumber()).isEqualTo(full.number());
        assertThat(crl(delta).getRevokedCertificates()).isNull();

        assertThat(ca.authority.find(pair.signing().serial()).orElseThrow().status())
                .isEqualTo(CertificateStatus.REVOKED);
        assertThatThrownBy(() -> ca.authority.revoke(pair.signing().serial(), RevocationReason.UNSPECIFIED, OPERATOR))
                .isInstanceOfSatisfying(PkiException.class,
                        e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.CONFLICT));
        assertThat(ca.stores.audit.verify().intact()).isTrue();
    }

    @Test
    void aReleasedHoldLeavesTheNextFullCrl() throws Exception {
        VehicleCredentials pair = ca.authority.issueVehiclePair(
                new VehiclePairRequest(VIN, TestSupport.csr(TestSupport.sm2(), VIN)), OPERATOR);
        BigInteger serial = new BigInteger(pair.signing().serial(), 16);
        ca.authority.revoke(pair.signing().serial(), RevocationReason.CERTIFICATE_HOLD, OPERATOR);
        assertThat(crl(ca.stores.crls.latest(ProfileCatalog.SM2_ISSUING, false).orElseThrow())
                .getRevokedCertificate(serial)).isNotNull();

        ca.authority.release(pair.signing().serial(), OPERATOR);

        assertThat(crl(ca.stores.crls.latest(ProfileCatalog.SM2_ISSUING, false).orElseThrow())
                .getRevokedCertificate(serial)).isNull();
        assertThat(ca.authority.find(pair.signing().serial()).orElseThrow().status()).isEqualTo(CertificateStatus.VALID);
        // Only a hold is released.
        ca.authority.revoke(pair.signing().serial(), RevocationReason.SUPERSEDED, OPERATOR);
        assertThatThrownBy(() -> ca.authority.release(pair.signing().serial(), OPERATOR))
                .isInstanceOfSatisfying(PkiException.class,
                        e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.CONFLICT));

        // The revocation feed's log: hold, release, revoke, in order; the refused release added nothing.
        assertThat(ca.stores.revocationEvents.after(0, 10))
                .extracting(RevocationEvent::kind, RevocationEvent::serial, RevocationEvent::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(RevocationEvent.Kind.REVOKED, pair.signing().serial(),
                                RevocationReason.CERTIFICATE_HOLD),
                        org.assertj.core.groups.Tuple.tuple(RevocationEvent.Kind.UNREVOKED, pair.signing().serial(), null),
                        org.assertj.core.groups.Tuple.tuple(RevocationEvent.Kind.REVOKED, pair.signing().serial(),
                                RevocationReason.SUPERSEDED));
        RevocationEvent last = ca.stores.revocationEvents.after(2, 10).get(0);
        assertThat(last.issuer()).isEqualTo(ca.issuing.getSubjectX500Principal().getName());
        assertThat(last.notAfter()).isEqualTo(pair.signing().notAfter());
        RevocationEvent.Snapshot snapshot = ca.stores.revocationEvents.snapshot(ca.clock.instant());
        assertThat(snapshot.head()).isEqualTo(last.seq());
        assertThat(snapshot.revoked()).extracting(RevocationEvent.Revoked::serial).containsExactly(pair.signing().serial());
        assertThat(RevocationReason.SUPERSEDED.rfcName()).isEqualTo("superseded");
        assertThat(RevocationReason.KEY_COMPROMISE.rfcName()).isEqualTo("keyCompromise");
        assertThat(RevocationReason.REMOVE_FROM_CRL.rfcName()).isEqualTo("removeFromCRL");
    }

    @Test
    void theProfileRulesRefuseWhatAVehicleProfileDoesNotAccept() throws Exception {
        // The CSR's CN must be the VIN.
        assertThatThrownBy(() -> ca.authority.issueVehiclePair(
                new VehiclePairRequest(VIN, TestSupport.csr(TestSupport.sm2(), "LGWEF4A59NF000009")), OPERATOR))
                .isInstanceOf(PkiException.class).hasMessageContaining("does not match the VIN");
        // A vehicle's signing key is SM2.
        assertThatThrownBy(() -> ca.authority.issueVehiclePair(
                new VehiclePairRequest(VIN, TestSupport.csr(TestSupport.ec("secp256r1"), VIN)), OPERATOR))
                .isInstanceOf(PkiException.class).hasMessageContaining("SM2");
        // A vehicle pair is made of vehicle profiles.
        assertThatThrownBy(() -> ca.authority.issueVehiclePair(
                new VehiclePairRequest(VIN, TestSupport.csr(TestSupport.sm2(), VIN), "gateway-sign", null), OPERATOR))
                .isInstanceOf(PkiException.class).hasMessageContaining("vehicle signing");
        // A single certificate: the vehicle-sign profile takes a VIN as CN, not a host name.
        assertThatThrownBy(() -> ca.authority.issue(new IssueRequest("vehicle-sign",
                TestSupport.csr(TestSupport.sm2(), "gateway.example"), null, null, List.of()), OPERATOR))
                .isInstanceOfSatisfying(PkiException.class,
                        e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.BAD_REQUEST));
        // A CSR signed by another key than the one it carries (no proof of possession).
        byte[] csr = TestSupport.csr(TestSupport.sm2(), VIN);
        csr[csr.length - 5] ^= 1;
        assertThatThrownBy(() -> ca.authority.issueVehiclePair(new VehiclePairRequest(VIN, csr), OPERATOR))
                .isInstanceOf(PkiException.class);
        assertThat(ca.stores.certificates.all()).isEmpty();
    }

    @Test
    void aFailedTransactionLeavesEveryStoreAsItWas() {
        Map<String, Object> before = Map.of("audit", ca.stores.audit.events(), "models", ca.stores.vehicles.models());
        assertThatThrownBy(() -> ca.stores.transactions.inTransaction(() -> {
            ca.stores.vehicles.addModel(new VehicleModel("MODEL-Y", "Y", false));
            ca.stores.audit.append(AuditEvent.success(OPERATOR, "model.add", "MODEL-Y", ""));
            ca.stores.transactions.afterCommit(() -> {
                throw new AssertionError("ran after a rollback");
            });
            throw PkiException.conflict("fails after writing");
        })).isInstanceOf(PkiException.class);
        assertThat(Map.of("audit", ca.stores.audit.events(), "models", ca.stores.vehicles.models())).isEqualTo(before);
    }

    private static X509Certificate certificate(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509", GmCrypto.provider())
                .generateCertificate(new ByteArrayInputStream(der));
    }

    private static X509CRL crl(StoredCrl crl) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509", GmCrypto.provider())
                .generateCRL(new ByteArrayInputStream(crl.der()));
    }

    private static int reasonCode(X509CRLEntry entry) throws Exception {
        byte[] ext = entry.getExtensionValue(Extension.reasonCode.getId());
        ASN1Primitive inner = ASN1Primitive.fromByteArray(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets());
        return ASN1Enumerated.getInstance(inner).intValueExact();
    }
}
