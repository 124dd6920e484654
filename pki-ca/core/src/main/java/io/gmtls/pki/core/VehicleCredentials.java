package io.gmtls.pki.core;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a vehicle gets from one enrollment: both certificates, its encryption private key sealed to
 * its signing key (DER {@code SM2EnvelopedKey}), and the issuing chain (issuing CA, then root).
 */
public record VehicleCredentials(IssuedCertificate signing, IssuedCertificate encryption, byte[] envelopedKey,
        List<X509Certificate> chain) {

    public VehicleCredentials {
        envelopedKey = envelopedKey.clone();
        chain = List.copyOf(chain);
    }

    @Override
    public byte[] envelopedKey() {
        return envelopedKey.clone();
    }
}
