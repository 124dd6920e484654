package io.gmtls.pki.core.profile;

import org.bouncycastle.asn1.x509.KeyPurposeId;

/** Extended key usages by the names used in configuration. */
public enum ExtendedKeyUsageName {
    SERVER_AUTH(KeyPurposeId.id_kp_serverAuth),
    CLIENT_AUTH(KeyPurposeId.id_kp_clientAuth),
    OCSP_SIGNING(KeyPurposeId.id_kp_OCSPSigning);

    private final KeyPurposeId id;

    ExtendedKeyUsageName(KeyPurposeId id) {
        this.id = id;
    }

    /** The BouncyCastle purpose identifier. */
    public KeyPurposeId id() {
        return id;
    }
}
