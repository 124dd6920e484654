package io.gmtls.tboxsim.credentials;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import io.gmtls.crypto.tls.CertificateCredential;

/**
 * A vehicle's (or a vehicle model's) SM2 dual credential: the signing key with its chain (signing
 * certificate first, then CA certificates) and the encryption key with its certificate. Immutable;
 * {@link #toString()} never shows a key.
 *
 * @param name      VIN, or model code for a per-model bootstrap credential
 * @param signKey   SM2 signing private key
 * @param signChain signing certificate first, then its issuing CAs (the root may be left out)
 * @param encKey    SM2 encryption private key
 * @param encCert   encryption certificate
 */
public record Sm2VehicleCredentials(String name, PrivateKey signKey, List<X509Certificate> signChain,
        PrivateKey encKey, X509Certificate encCert) {

    public Sm2VehicleCredentials {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(signKey, "signKey");
        Objects.requireNonNull(encKey, "encKey");
        Objects.requireNonNull(encCert, "encCert");
        signChain = List.copyOf(signChain);
        if (signChain.isEmpty()) {
            throw new IllegalArgumentException(name + ": the signing chain is empty");
        }
    }

    /** The signing certificate. */
    public X509Certificate signCert() {
        return signChain.get(0);
    }

    /** The signing key and chain, as TLS 1.3 (RFC 8998) presents them. */
    public CertificateCredential signingCredential() {
        return new CertificateCredential(signKey, signChain);
    }

    @Override
    public String toString() {
        return "Sm2VehicleCredentials[" + name + ", sign " + signCert().getSerialNumber().toString(16)
                + ", enc " + encCert.getSerialNumber().toString(16) + "]";
    }
}
