package io.gmtls.tboxsim.enroll;

import io.gmtls.crypto.Sm2Keys;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import io.gmtls.crypto.pem.Pem;
import io.gmtls.tboxsim.credentials.CertificateChains;
import io.gmtls.tboxsim.credentials.Sm2VehicleCredentials;
import io.gmtls.tboxsim.crypto.Sm2EnvelopedKeyOpener;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * Checks an enrollment answer against the request before anything is stored: the VIN, that the signing
 * certificate certifies our CSR's key, that both certificates name the VIN, are current and were signed
 * by the issuing CA sent with them, and that the envelope opens with our signing key into the private key
 * of the encryption certificate.
 */
public final class EnrollmentVerifier {

    private static final int KU_DIGITAL_SIGNATURE = 0;
    private static final int KU_KEY_ENCIPHERMENT = 2;
    private static final int KU_DATA_ENCIPHERMENT = 3;
    private static final int KU_KEY_AGREEMENT = 4;

    private final Clock clock;

    public EnrollmentVerifier(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param signing  the key pair whose CSR was sent
     * @param repeated whether the server answered 200 (an idempotent repeat) rather than 201
     * @throws EnrollmentException (kind RESPONSE) saying what does not fit
     */
    public EnrolledVehicle verify(EnrollmentResponse response, String vin, KeyPair signing, boolean repeated)
            throws EnrollmentException {
        if (!vin.equals(response.vin())) {
            throw EnrollmentException.response("response is for VIN " + printable(response.vin()) + ", not " + vin, null);
        }
        X509Certificate signCert = certificate(response.signCertificate(), "signCertificate");
        X509Certificate encCert = certificate(response.encCertificate(), "encCertificate");
        List<X509Certificate> chain = new ArrayList<>();
        for (String pem : response.chain()) {
            chain.add(certificate(pem, "chain"));
        }
        if (!MessageDigest.isEqual(keyBits(signCert.getPublicKey()), keyBits(signing.getPublic()))) {
            throw EnrollmentException.response("signCertificate is not for the key of our CSR", null);
        }
        if (!Sm2Keys.isSm2(signCert) || !Sm2Keys.isSm2(encCert)) {
            throw EnrollmentException.response("the certificates do not carry SM2 keys", null);
        }
        checkSubject(signCert, vin, "signCertificate");
        checkSubject(encCert, vin, "encCertificate");
        checkCurrent(signCert, "signCertificate");
        checkCurrent(encCert, "encCertificate");
        checkKeyUsage(signCert, "signCertificate", KU_DIGITAL_SIGNATURE);
        checkKeyUsage(encCert, "encCertificate", KU_KEY_ENCIPHERMENT, KU_DATA_ENCIPHERMENT, KU_KEY_AGREEMENT);
        X509Certificate issuer = chain.get(0);
        if (!CertificateChains.signedBy(signCert, issuer) || !CertificateChains.signedBy(encCert, issuer)) {
            throw EnrollmentException.response("the certificates are not signed by the first certificate of 'chain' ("
                    + issuer.getSubjectX500Principal().getName() + ")", null);
        }
        KeyPair encryption = openEnvelope(response.encPrivateKeyEnvelope(), signing);
        if (!MessageDigest.isEqual(keyBits(encryption.getPublic()), keyBits(encCert.getPublicKey()))) {
            throw EnrollmentException.response("the enveloped private key does not belong to encCertificate", null);
        }
        List<X509Certificate> signChain = new ArrayList<>();
        signChain.add(signCert);
        for (X509Certificate ca : chain) {
            if (!ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal())) {
                signChain.add(ca);
            }
        }
        Sm2VehicleCredentials credentials = new Sm2VehicleCredentials(vin, signing.getPrivate(), signChain,
                encryption.getPrivate(), encCert);
        return new EnrolledVehicle(credentials, chain, signCert.getNotAfter().toInstant(), repeated,
                response.crlUrl(), response.ocspUrl());
    }

    private static KeyPair openEnvelope(String base64, KeyPair signing) throws EnrollmentException {
        if (base64.length() > 2 * Sm2EnvelopedKeyOpener.MAX_ENCODED) {
            throw EnrollmentException.response("encPrivateKeyEnvelope is too large", null);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw EnrollmentException.response("encPrivateKeyEnvelope is not base64", null);
        }
        try {
            return Sm2EnvelopedKeyOpener.open(der, signing.getPrivate());
        } catch (GeneralSecurityException e) {
            throw EnrollmentException.response("encPrivateKeyEnvelope: " + e.getMessage(), null);
        }
    }

    private static X509Certificate certificate(String pem, String field) throws EnrollmentException {
        try {
            List<X509Certificate> certificates = Pem.certificates(pem, field);
            if (certificates.size() != 1) {
                throw EnrollmentException.response("response field '" + field + "' must hold one certificate each", null);
            }
            return certificates.get(0);
        } catch (IOException e) {
            throw EnrollmentException.response("response field '" + field + "' is not a PEM certificate", null);
        }
    }

    private static void checkSubject(X509Certificate certificate, String vin, String field) throws EnrollmentException {
        try {
            X500Name subject = new JcaX509CertificateHolder(certificate).getSubject();
            RDN[] cns = subject.getRDNs(BCStyle.CN);
            if (cns.length != 1 || !vin.equals(IETFUtils.valueToString(cns[0].getFirst().getValue()))) {
                throw EnrollmentException.response(field + " subject CN is not " + vin, null);
            }
        } catch (CertificateEncodingException e) {
            throw EnrollmentException.response(field + " cannot be encoded", null);
        }
    }

    private void checkCurrent(X509Certificate certificate, String field) throws EnrollmentException {
        try {
            certificate.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw EnrollmentException.response(field + " is not valid now (" + certificate.getNotBefore() + " to "
                    + certificate.getNotAfter() + ")", null);
        }
    }

    private static void checkKeyUsage(X509Certificate certificate, String field, int... anyOf)
            throws EnrollmentException {
        boolean[] usage = certificate.getKeyUsage();
        if (usage == null) {
            return;
        }
        for (int bit : anyOf) {
            if (bit < usage.length && usage[bit]) {
                return;
            }
        }
        throw EnrollmentException.response(field + " key usage does not allow its purpose", null);
    }

    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    /**
     * The public key's bits as the certificate carries them, whatever its algorithm: compared before the
     * SM2 check, so that a certificate for some other key gets "not for the key of our CSR".
     */
    private static byte[] keyBits(java.security.PublicKey key) {
        return org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getOctets();
    }
}
