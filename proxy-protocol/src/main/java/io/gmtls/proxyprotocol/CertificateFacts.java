package io.gmtls.proxyprotocol;

import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.crypto.digests.SM3Digest;

/**
 * The facts of the client's signing certificate that the PPv2 header carries: CN (0x22), signature
 * and key algorithm names (0x24, 0x25), serial (0xE0), SM3 fingerprint (0xE1) and issuer DN (0xE2).
 *
 * @param commonName         first CN of the subject, absent when the subject has none
 * @param serialHex          lowercase hex of the serial number's unsigned value, no leading zeros
 * @param sm3Fingerprint     SM3 of the certificate's DER encoding, 64 lowercase hex digits
 * @param issuerDn           issuer DN as an RFC 4514 string
 * @param signatureAlgorithm OpenSSL-style name of the certificate's signature algorithm, e.g.
 *                           {@code SM2-with-SM3}, {@code ecdsa-with-SHA256}, {@code RSA-SHA256}
 * @param keyAlgorithm       key algorithm: {@code SM2} for SM2 keys, otherwise HAProxy's
 *                           type-and-bits form, e.g. {@code EC256}, {@code RSA2048}
 */
public record CertificateFacts(
        Optional<String> commonName,
        String serialHex,
        String sm3Fingerprint,
        String issuerDn,
        String signatureAlgorithm,
        String keyAlgorithm) {

    /** Validates every value against the TLV schema. */
    public CertificateFacts {
        TlsFacts.checkOptional(commonName, TlvType.SSL_CN, "commonName");
        TlvType.CERT_SERIAL.checkText(serialHex);
        TlvType.CERT_SM3_FINGERPRINT.checkText(sm3Fingerprint);
        TlvType.CERT_ISSUER_DN.checkText(issuerDn);
        TlvType.SSL_SIG_ALG.checkText(signatureAlgorithm);
        TlvType.SSL_KEY_ALG.checkText(keyAlgorithm);
    }

    /**
     * Computes the facts of a (verified) client signing certificate.
     *
     * @throws IllegalArgumentException if the certificate cannot be encoded or a value falls outside
     *                                  the TLV schema (e.g. a CN with control characters)
     */
    public static CertificateFacts of(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be DER-encoded", e);
        }
        return new CertificateFacts(
                commonName(certificate.getSubjectX500Principal()),
                serialHex(certificate.getSerialNumber()),
                sm3Hex(der),
                certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
                AlgorithmNames.signatureAlgorithm(certificate.getSigAlgOID()),
                AlgorithmNames.keyAlgorithm(certificate.getPublicKey()));
    }

    /**
     * Lowercase hex of the serial's unsigned value: the DER content octets read as an unsigned
     * number, so a (non-conforming) negative serial maps to its two's-complement bytes.
     */
    static String serialHex(BigInteger serial) {
        return new BigInteger(1, serial.toByteArray()).toString(16);
    }

    static String sm3Hex(byte[] data) {
        SM3Digest sm3 = new SM3Digest();
        sm3.update(data, 0, data.length);
        byte[] out = new byte[sm3.getDigestSize()];
        sm3.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }

    /** HAProxy takes the first CN of the subject in DER order; so do we. */
    private static Optional<String> commonName(X500Principal subject) {
        X500Name name = X500Name.getInstance(subject.getEncoded());
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (BCStyle.CN.equals(atv.getType()) && atv.getValue() instanceof ASN1String value) {
                    return Optional.of(value.getString());
                }
            }
        }
        return Optional.empty();
    }
}
