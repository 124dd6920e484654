package io.gmtls.pki.core.profile;

import org.bouncycastle.asn1.x509.KeyUsage;

/** RFC 5280 key usage bits by the names used in configuration. */
public enum KeyUsageName {
    DIGITAL_SIGNATURE(KeyUsage.digitalSignature),
    NON_REPUDIATION(KeyUsage.nonRepudiation),
    KEY_ENCIPHERMENT(KeyUsage.keyEncipherment),
    DATA_ENCIPHERMENT(KeyUsage.dataEncipherment),
    KEY_AGREEMENT(KeyUsage.keyAgreement),
    KEY_CERT_SIGN(KeyUsage.keyCertSign),
    CRL_SIGN(KeyUsage.cRLSign);

    private final int bit;

    KeyUsageName(int bit) {
        this.bit = bit;
    }

    /** The BouncyCastle bit mask. */
    public int bit() {
        return bit;
    }
}
