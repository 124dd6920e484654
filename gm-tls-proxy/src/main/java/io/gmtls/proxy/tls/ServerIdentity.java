package io.gmtls.proxy.tls;

import io.gmtls.crypto.tls.CertificateCredential;

/**
 * What the gateway presents under one host name: a standard (ECDSA or RSA) credential, an SM2 credential
 * for TLS_SM4_GCM_SM3, or both. At least one is set.
 *
 * @param standard ECDSA/RSA key and chain, or null
 * @param sm2      SM2 key and chain, or null
 */
public record ServerIdentity(CertificateCredential standard, CertificateCredential sm2) {

    /** @throws IllegalArgumentException if both are null or a credential has the wrong key kind */
    public ServerIdentity {
        if (standard == null && sm2 == null) {
            throw new IllegalArgumentException("a server identity needs a standard or an SM2 credential");
        }
        if (standard != null && standard.kind() == CertificateCredential.KeyKind.SM2) {
            throw new IllegalArgumentException("the standard credential holds an SM2 key: " + standard);
        }
        if (sm2 != null && sm2.kind() != CertificateCredential.KeyKind.SM2) {
            throw new IllegalArgumentException("the SM2 credential holds a " + sm2.kind() + " key: " + sm2);
        }
    }

    /** Only a standard credential. */
    public static ServerIdentity standardOnly(CertificateCredential standard) {
        return new ServerIdentity(standard, null);
    }

    /** Only an SM2 credential. */
    public static ServerIdentity sm2Only(CertificateCredential sm2) {
        return new ServerIdentity(null, sm2);
    }
}
