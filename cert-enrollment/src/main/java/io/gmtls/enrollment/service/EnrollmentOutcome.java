package io.gmtls.enrollment.service;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a vehicle gets back.
 *
 * @param created          true when issued by this request, false when a retry got the stored result
 * @param vin              the vehicle
 * @param signCertificate  the signing certificate (for the CSR's key)
 * @param encCertificate   the encryption certificate (for the key pair the CA made)
 * @param envelopedKey     DER GB/T 35276 SM2EnvelopedKey: the encryption key pair sealed to the CSR's key
 * @param chain            issuing CA, then root
 * @param crlUrl           where the issuing CA's CRL is published, when configured
 * @param ocspUrl          the OCSP responder, when configured
 */
public record EnrollmentOutcome(boolean created, String vin, X509Certificate signCertificate,
        X509Certificate encCertificate, byte[] envelopedKey, List<X509Certificate> chain, Optional<String> crlUrl,
        Optional<String> ocspUrl) {

    public EnrollmentOutcome {
        envelopedKey = envelopedKey.clone();
        chain = List.copyOf(chain);
    }

    @Override
    public byte[] envelopedKey() {
        return envelopedKey.clone();
    }

    /** End of the signing certificate's validity. */
    public Instant notAfter() {
        return signCertificate.getNotAfter().toInstant();
    }
}
