package io.gmtls.proxyprotocol;

import java.security.PublicKey;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Names of certificate algorithms as HAProxy puts them in {@code PP2_SUBTYPE_SSL_SIG_ALG} and
 * {@code PP2_SUBTYPE_SSL_KEY_ALG}.
 *
 * <p>HAProxy writes {@code OBJ_nid2sn()} of the signature OID (the recorded header has
 * {@code ecdsa-with-SHA256}) and {@code "%s%u"} of the key type and bits ({@code EC256},
 * {@code RSA2048}). For SM2 we follow the design's schema instead: {@code SM2-with-SM3} (OpenSSL's
 * long name; its short name {@code SM2-SM3} is rarely recognised) and {@code SM2} for keys on the
 * SM2 curve, for which HAProxy 2.6 sends nothing.
 */
final class AlgorithmNames {

    static final String SM2_CURVE_OID = "1.2.156.10197.1.301";
    private static final String EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1";
    private static final String RSA_ENCRYPTION_OID = "1.2.840.113549.1.1.1";
    private static final String RSASSA_PSS_OID = "1.2.840.113549.1.1.10";

    /** OpenSSL short names of the signature algorithms vehicle PKIs use. */
    private static final Map<String, String> SIGNATURE_NAMES = Map.ofEntries(
            Map.entry("1.2.156.10197.1.501", "SM2-with-SM3"),
            Map.entry("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
            Map.entry("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
            Map.entry("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
            Map.entry("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
            Map.entry("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
            Map.entry("1.2.840.113549.1.1.5", "RSA-SHA1"),
            Map.entry("1.2.840.113549.1.1.14", "RSA-SHA224"),
            Map.entry("1.2.840.113549.1.1.11", "RSA-SHA256"),
            Map.entry("1.2.840.113549.1.1.12", "RSA-SHA384"),
            Map.entry("1.2.840.113549.1.1.13", "RSA-SHA512"),
            Map.entry(RSASSA_PSS_OID, "RSASSA-PSS"),
            Map.entry("1.3.101.112", "ED25519"),
            Map.entry("1.3.101.113", "ED448"));

    private AlgorithmNames() {
    }

    /** Name of a certificate signature algorithm; the dotted OID when it has no known name. */
    static String signatureAlgorithm(String oid) {
        return SIGNATURE_NAMES.getOrDefault(oid, oid);
    }

    /** Name of a certificate key algorithm: {@code SM2}, {@code EC<bits>}, {@code RSA<bits>}, {@code DSA<bits>}. */
    static String keyAlgorithm(PublicKey key) {
        AlgorithmIdentifier algorithm = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm();
        String oid = algorithm.getAlgorithm().getId();
        if (SM2_CURVE_OID.equals(oid)) {
            return "SM2";
        }
        if (EC_PUBLIC_KEY_OID.equals(oid)) {
            if (algorithm.getParameters() instanceof ASN1ObjectIdentifier curve && SM2_CURVE_OID.equals(curve.getId())) {
                return "SM2";
            }
            // EVP_PKEY_bits() of an EC key is the bit length of the group order.
            return key instanceof ECPublicKey ec ? "EC" + ec.getParams().getOrder().bitLength() : "EC";
        }
        if (RSA_ENCRYPTION_OID.equals(oid) || RSASSA_PSS_OID.equals(oid)) {
            return key instanceof RSAPublicKey rsa ? "RSA" + rsa.getModulus().bitLength() : "RSA";
        }
        if ("1.2.840.10040.4.1".equals(oid)) {
            return key instanceof DSAPublicKey dsa && dsa.getParams() != null
                    ? "DSA" + dsa.getParams().getP().bitLength() : "DSA";
        }
        if ("1.3.101.112".equals(oid)) {
            return "ED25519";
        }
        if ("1.3.101.113".equals(oid)) {
            return "ED448";
        }
        return oid;
    }
}
