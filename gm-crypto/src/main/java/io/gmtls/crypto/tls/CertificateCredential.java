package io.gmtls.crypto.tls;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.Sm2Keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain (end-entity certificate first, then its issuers; the root may
 * be left out). Immutable; {@link #toString()} never shows the key.
 *
 * @param privateKey the key of {@code chain.get(0)}
 * @param chain      end-entity certificate first
 */
public record CertificateCredential(PrivateKey privateKey, List<X509Certificate> chain) {

    /** Kinds of key this package can serve. */
    public enum KeyKind {
        /** SM2 (EC on sm2p256v1): only for TLS_SM4_GCM_SM3 with sm2sig_sm3. */
        SM2,
        /** ECDSA on a NIST curve. */
        ECDSA,
        /** RSA. */
        RSA
    }

    /**
     * @throws IllegalArgumentException if the chain is empty, holds nulls, or the key's algorithm differs
     *                                  from the certificate's
     */
    public CertificateCredential {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain is empty");
        }
        chain = List.copyOf(chain);
        String certificateAlgorithm = chain.get(0).getPublicKey().getAlgorithm();
        if (!sameFamily(privateKey.getAlgorithm(), certificateAlgorithm)) {
            throw new IllegalArgumentException("private key algorithm " + privateKey.getAlgorithm()
                    + " does not match the certificate's " + certificateAlgorithm + " ("
                    + chain.get(0).getSubjectX500Principal() + ")");
        }
        kindOf(chain.get(0));
    }

    /** Builds a credential from a key and a chain given as varargs. */
    public static CertificateCredential of(PrivateKey privateKey, X509Certificate... chain) {
        return new CertificateCredential(privateKey, List.of(chain));
    }

    /** The end-entity certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** What kind of key this is. */
    public KeyKind kind() {
        return kindOf(certificate());
    }

    /** The chain as an array, for APIs that want one (a fresh copy each call). */
    public X509Certificate[] chainArray() {
        return chain.toArray(new X509Certificate[0]);
    }

    /**
     * Signs a probe with the private key and verifies it with the certificate's public key, so that a key
     * that doesn't belong to its certificate fails at startup, naming the certificate (never the key).
     *
     * @throws IllegalArgumentException if the key does not belong to the certificate
     */
    public void checkKeyPair() throws GeneralSecurityException {
        String algorithm = switch (kind()) {
            case SM2 -> Sm2Keys.SIGNATURE_ALGORITHM;
            case ECDSA -> "SHA256withECDSA";
            case RSA -> "SHA256withRSA";
        };
        byte[] probe = "gm-tls-proxy key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm, BouncyCastle.PROVIDER);
        signer.initSign(privateKey);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm, BouncyCastle.PROVIDER);
        verifier.initVerify(certificate().getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new IllegalArgumentException("the private key does not belong to the certificate "
                    + certificate().getSubjectX500Principal());
        }
    }

    /** What kind of key the certificate carries; unsupported algorithms are refused. */
    public static KeyKind kindOf(X509Certificate certificate) {
        if (Sm2Keys.isSm2(certificate)) {
            return KeyKind.SM2;
        }
        String algorithm = certificate.getPublicKey().getAlgorithm();
        if ("EC".equalsIgnoreCase(algorithm) || "ECDSA".equalsIgnoreCase(algorithm)) {
            return KeyKind.ECDSA;
        }
        if ("RSA".equalsIgnoreCase(algorithm)) {
            return KeyKind.RSA;
        }
        throw new IllegalArgumentException("unsupported key algorithm " + algorithm + " in certificate "
                + certificate.getSubjectX500Principal());
    }

    private static boolean sameFamily(String keyAlgorithm, String certificateAlgorithm) {
        return normalise(keyAlgorithm).equals(normalise(certificateAlgorithm));
    }

    private static String normalise(String algorithm) {
        String upper = algorithm.toUpperCase(java.util.Locale.ROOT);
        return switch (upper) {
            case "ECDSA", "SM2", "EC" -> "EC";
            default -> upper;
        };
    }

    @Override
    public String toString() {
        return "CertificateCredential[" + kind() + ", " + certificate().getSubjectX500Principal()
                + ", chain of " + chain.size() + "]";
    }
}
