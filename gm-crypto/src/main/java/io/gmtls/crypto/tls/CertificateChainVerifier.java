package io.gmtls.crypto.tls;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.Sm2Keys;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import io.gmtls.crypto.tls.CertificateRejectedException.Reason;

/**
 * Verifies a peer's certificate chain against a trust bundle: path to a self-signed root of the bundle,
 * signatures, validity, CA constraints (PKIX, RFC 5280), the end-entity key usage and extended key usage
 * (RFC 8446 section 4.4.2.2), then the caller's {@link PathCheck} (the gateway checks revocation there).
 *
 * <p>Two flavours, one per key family: {@link #standard} validates ECDSA/RSA chains with the JDK's PKIX
 * {@link CertPathValidator}; {@link #sm2} validates SM2-with-SM3 chains with BouncyCastle's PKIX validator,
 * which checks SM2 signatures with the default user ID 1234567812345678 (the JDK can't verify SM2 at all).
 *
 * <p>Immutable and thread-safe; every failure is a {@link CertificateRejectedException} whose reason maps
 * to the TLS alert to send.
 */
public final class CertificateChainVerifier {

    /** Longest chain a peer may present; longer ones are refused before any work. */
    public static final int MAX_CHAIN_LENGTH = 8;

    /** Whose certificate is checked: it decides the extended key usage that is accepted. */
    public enum Purpose {
        /** A TLS client's certificate (id-kp-clientAuth). */
        CLIENT_AUTH("1.3.6.1.5.5.7.3.2"),
        /** A TLS server's certificate (id-kp-serverAuth). */
        SERVER_AUTH("1.3.6.1.5.5.7.3.1");

        private final String extendedKeyUsage;

        Purpose(String extendedKeyUsage) {
            this.extendedKeyUsage = extendedKeyUsage;
        }
    }

    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int KEY_USAGE_DIGITAL_SIGNATURE = 0;

    private final boolean sm2;
    private final Provider pkixProvider;
    private final Set<TrustAnchor> anchors;
    private final Map<X500Principal, List<X509Certificate>> anchorsBySubject;
    private final Map<X500Principal, List<X509Certificate>> intermediatesBySubject;
    private final List<X509Certificate> acceptedIssuers;
    private final PathCheck pathCheck;
    /**
     * SHA-256 over the DER of every path whose PKIX validation succeeded, LRU-bounded. The PKIX outcome
     * of identical bytes under the same anchors (signatures, names, CA constraints, policies) can only
     * change with time, and every certificate's validity is checked at each {@link #verify} regardless;
     * revocation ({@link PathCheck}) runs every time too. A vehicle that reconnects costs no PKIX run and
     * no signature verification of its chain. Only successes are kept, so a peer cannot fill it with
     * chains of its own making that do not validate.
     */
    private final Map<PathKey, Boolean> validatedPaths = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<PathKey, Boolean> eldest) {
            return size() > VALIDATED_PATHS;
        }
    };

    /** Validated paths remembered (about 100 bytes each). */
    static final int VALIDATED_PATHS = 4096;

    private CertificateChainVerifier(boolean sm2, Provider pkixProvider, List<X509Certificate> trustBundle,
            PathCheck pathCheck) {
        Objects.requireNonNull(trustBundle, "trustBundle");
        this.sm2 = sm2;
        this.pkixProvider = pkixProvider;
        this.pathCheck = Objects.requireNonNull(pathCheck, "pathCheck");
        Set<TrustAnchor> roots = new LinkedHashSet<>();
        Map<X500Principal, List<X509Certificate>> rootsBySubject = new HashMap<>();
        Map<X500Principal, List<X509Certificate>> intermediates = new HashMap<>();
        for (X509Certificate certificate : trustBundle) {
            if (Sm2Keys.isSm2(certificate) != sm2) {
                throw new IllegalArgumentException("trust bundle for " + family() + " chains holds "
                        + certificate.getSubjectX500Principal() + " whose key is of another family");
            }
            if (isSelfIssued(certificate)) {
                roots.add(new TrustAnchor(certificate, null));
                rootsBySubject.computeIfAbsent(certificate.getSubjectX500Principal(), k -> new ArrayList<>())
                        .add(certificate);
            } else {
                intermediates.computeIfAbsent(certificate.getSubjectX500Principal(), k -> new ArrayList<>())
                        .add(certificate);
            }
        }
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("trust bundle for " + family()
                    + " chains holds no self-signed root certificate");
        }
        this.anchors = Collections.unmodifiableSet(roots);
        this.anchorsBySubject = freeze(rootsBySubject);
        this.intermediatesBySubject = freeze(intermediates);
        this.acceptedIssuers = List.copyOf(trustBundle);
    }

    /**
     * A verifier for ECDSA/RSA chains, validated by the JDK's PKIX implementation.
     *
     * @param trustBundle roots (self-signed: the trust anchors) and optionally intermediate CAs
     */
    public static CertificateChainVerifier standard(List<X509Certificate> trustBundle, PathCheck pathCheck) {
        return new CertificateChainVerifier(false, null, trustBundle, pathCheck);
    }

    /**
     * A verifier for SM2 chains, validated by BouncyCastle's PKIX implementation.
     *
     * @param trustBundle roots (self-signed: the trust anchors) and optionally intermediate CAs
     */
    public static CertificateChainVerifier sm2(List<X509Certificate> trustBundle, PathCheck pathCheck) {
        return new CertificateChainVerifier(true, BouncyCastle.PROVIDER, trustBundle, pathCheck);
    }

    /** The trust bundle as given: used to name acceptable CAs in a CertificateRequest. */
    public List<X509Certificate> acceptedIssuers() {
        return acceptedIssuers;
    }

    /** True for the SM2 flavour. */
    public boolean isSm2() {
        return sm2;
    }

    /**
     * Verifies a presented chain.
     *
     * @param presented the peer's certificates, end-entity first (extra or out-of-order CA certificates are
     *                  tolerated; only those on the path are used)
     * @return the verified path: end-entity first, ending with the trust anchor
     * @throws CertificateRejectedException with the reason to send as an alert
     */
    public List<X509Certificate> verify(X509Certificate[] presented, Purpose purpose)
            throws CertificateRejectedException {
        if (presented == null || presented.length == 0 || presented[0] == null) {
            throw new CertificateRejectedException(Reason.BAD_CERTIFICATE, "no certificate presented");
        }
        if (presented.length > MAX_CHAIN_LENGTH) {
            throw new CertificateRejectedException(Reason.BAD_CERTIFICATE,
                    "chain of " + presented.length + " certificates is longer than " + MAX_CHAIN_LENGTH);
        }
        X509Certificate leaf = presented[0];
        checkEndEntity(leaf, purpose);
        List<X509Certificate> path = buildPath(presented);
        Date now = new Date();
        for (X509Certificate certificate : path) {
            checkValidity(certificate, now);
        }
        if (path.size() > 1) {
            validate(path, now);
        }
        checkPath(path);
        return List.copyOf(path);
    }

    private void checkEndEntity(X509Certificate leaf, Purpose purpose) throws CertificateRejectedException {
        if (Sm2Keys.isSm2(leaf) != sm2) {
            throw new CertificateRejectedException(Reason.BAD_CERTIFICATE, subject(leaf) + " has a key that is not "
                    + family() + " on a connection that negotiated " + family());
        }
        boolean[] keyUsage = leaf.getKeyUsage();
        if (keyUsage != null && (keyUsage.length <= KEY_USAGE_DIGITAL_SIGNATURE
                || !keyUsage[KEY_USAGE_DIGITAL_SIGNATURE])) {
            throw new CertificateRejectedException(Reason.BAD_CERTIFICATE,
                    subject(leaf) + " key usage lacks digitalSignature");
        }
        List<String> extendedKeyUsage;
        try {
            extendedKeyUsage = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new CertificateRejectedException(Reason.BAD_CERTIFICATE,
                    subject(leaf) + " has a malformed extended key usage", e);
        }
        if (extendedKeyUsage != null && !extendedKeyUsage.contains(purpose.extendedKeyUsage)
                && !extendedKeyUsage.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new CertificateRejectedException(Reason.BAD_CERTIFICATE,
                    subject(leaf) + " extended key usage does not allow " + purpose);
        }
    }

    /** Leaf first, then issuers found among the presented and bundled CA certificates, then the anchor. */
    private List<X509Certificate> buildPath(X509Certificate[] presented) throws CertificateRejectedException {
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = presented[0];
        path.add(current);
        while (path.size() <= MAX_CHAIN_LENGTH) {
            X500Principal issuer = current.getIssuerX500Principal();
            X509Certificate anchor = pick(anchorsBySubject.get(issuer), current, path);
            if (anchor != null) {
                if (!anchor.equals(current)) {
                    path.add(anchor);
                }
                return path;
            }
            X509Certificate next = pick(presentedIssuers(presented, issuer), current, path);
            if (next == null) {
                next = pick(intermediatesBySubject.get(issuer), current, path);
            }
            if (next == null) {
                throw new CertificateRejectedException(Reason.UNKNOWN_CA,
                        subject(current) + " is not issued by a trusted CA (issuer " + issuer.getName() + ")");
            }
            path.add(next);
            current = next;
        }
        throw new CertificateRejectedException(Reason.UNKNOWN_CA, "no path to a trusted root within "
                + MAX_CHAIN_LENGTH + " certificates");
    }

    private static List<X509Certificate> presentedIssuers(X509Certificate[] presented, X500Principal subject) {
        List<X509Certificate> matches = new ArrayList<>(1);
        for (int i = 1; i < presented.length; i++) {
            if (presented[i] != null && presented[i].getSubjectX500Principal().equals(subject)) {
                matches.add(presented[i]);
            }
        }
        return matches;
    }

    /**
     * The candidate issuer of {@code child} not yet on the path; when several share the subject name (key
     * rollover), the one whose key verifies {@code child}'s signature.
     */
    private X509Certificate pick(List<X509Certificate> candidates, X509Certificate child,
            List<X509Certificate> path) {
        if (candidates == null) {
            return null;
        }
        List<X509Certificate> usable = new ArrayList<>(candidates.size());
        for (X509Certificate candidate : candidates) {
            if (candidate.equals(child) && isSelfIssued(child)) {
                return candidate;
            }
            if (!path.contains(candidate)) {
                usable.add(candidate);
            }
        }
        if (usable.size() == 1) {
            // The PKIX validation that follows checks this signature anyway: verifying here would double it.
            return usable.get(0);
        }
        for (X509Certificate candidate : usable) {
            if (signedBy(child, candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private boolean signedBy(X509Certificate child, X509Certificate issuer) {
        try {
            if (pkixProvider == null) {
                child.verify(issuer.getPublicKey());
            } else {
                child.verify(issuer.getPublicKey(), pkixProvider);
            }
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static void checkValidity(X509Certificate certificate, Date now) throws CertificateRejectedException {
        try {
            certificate.checkValidity(now);
        } catch (CertificateExpiredException e) {
            throw new CertificateRejectedException(Reason.CERTIFICATE_EXPIRED,
                    subject(certificate) + " expired on " + certificate.getNotAfter().toInstant(), e);
        } catch (CertificateNotYetValidException e) {
            throw new CertificateRejectedException(Reason.BAD_CERTIFICATE,
                    subject(certificate) + " is not valid before " + certificate.getNotBefore().toInstant(), e);
        }
    }

    private void validate(List<X509Certificate> path, Date now) throws CertificateRejectedException {
        PathKey key = PathKey.of(path);
        if (key != null) {
            synchronized (validatedPaths) {
                if (validatedPaths.get(key) != null) {
                    return;
                }
            }
        }
        pkix(path, now);
        if (key != null) {
            synchronized (validatedPaths) {
                validatedPaths.put(key, Boolean.TRUE);
            }
        }
    }

    /** Paths whose PKIX validation is remembered now (for tests: the memory is bounded). */
    int validatedPathCount() {
        synchronized (validatedPaths) {
            return validatedPaths.size();
        }
    }

    private void pkix(List<X509Certificate> path, Date now) throws CertificateRejectedException {
        List<X509Certificate> pathWithoutAnchor = path.subList(0, path.size() - 1);
        try {
            CertificateFactory factory = pkixProvider == null
                    ? CertificateFactory.getInstance("X.509")
                    : CertificateFactory.getInstance("X.509", pkixProvider);
            CertPath certPath = factory.generateCertPath(pathWithoutAnchor);
            CertPathValidator validator = pkixProvider == null
                    ? CertPathValidator.getInstance("PKIX")
                    : CertPathValidator.getInstance("PKIX", pkixProvider);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            validator.validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            X509Certificate impostor = firstUnsignedLink(path);
            if (impostor != null) {
                // A CA certificate of the right name but another key: the chain leads to a CA we don't know.
                throw new CertificateRejectedException(Reason.UNKNOWN_CA, subject(impostor)
                        + " is not signed by the trusted CA named " + impostor.getIssuerX500Principal().getName(), e);
            }
            throw new CertificateRejectedException(reasonOf(e), "chain of " + subject(pathWithoutAnchor.get(0))
                    + " failed PKIX validation: " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CertificateRejectedException(Reason.BAD_CERTIFICATE, "chain of "
                    + subject(pathWithoutAnchor.get(0)) + " could not be validated: " + e.getMessage(), e);
        }
    }

    /** The first certificate of the path whose signature its successor's key does not verify, or null. */
    private X509Certificate firstUnsignedLink(List<X509Certificate> path) {
        for (int i = 0; i + 1 < path.size(); i++) {
            if (!signedBy(path.get(i), path.get(i + 1))) {
                return path.get(i);
            }
        }
        return null;
    }

    private static Reason reasonOf(CertPathValidatorException e) {
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return Reason.CERTIFICATE_EXPIRED;
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
            return Reason.CERTIFICATE_REVOKED;
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR) {
            return Reason.UNKNOWN_CA;
        }
        return Reason.BAD_CERTIFICATE;
    }

    private void checkPath(List<X509Certificate> path) throws CertificateRejectedException {
        try {
            pathCheck.check(Collections.unmodifiableList(path));
        } catch (RuntimeException e) {
            // A check that breaks is not a pass: fail closed, with the alert for "status unknown".
            throw new CertificateRejectedException(Reason.CERTIFICATE_UNKNOWN,
                    "revocation check of " + subject(path.get(0)) + " failed", e);
        }
    }

    private boolean isSelfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())
                && signedBy(certificate, certificate);
    }

    private String family() {
        return sm2 ? "SM2" : "ECDSA/RSA";
    }

    private static String subject(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "'";
    }

    private static Map<X500Principal, List<X509Certificate>> freeze(Map<X500Principal, List<X509Certificate>> map) {
        Map<X500Principal, List<X509Certificate>> copy = new HashMap<>();
        map.forEach((subject, list) -> copy.put(subject, List.copyOf(list)));
        return Collections.unmodifiableMap(copy);
    }

    /** SHA-256 over a path's certificates (each length-prefixed DER), compared by value. */
    private record PathKey(byte[] digest) {
        /** The key of a path, or null when a certificate cannot be encoded (then nothing is remembered). */
        static PathKey of(List<X509Certificate> path) {
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                for (X509Certificate certificate : path) {
                    byte[] der = certificate.getEncoded();
                    sha256.update(new byte[] {(byte) (der.length >>> 24), (byte) (der.length >>> 16),
                            (byte) (der.length >>> 8), (byte) der.length});
                    sha256.update(der);
                }
                return new PathKey(sha256.digest());
            } catch (GeneralSecurityException e) {
                return null;
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PathKey k && MessageDigest.isEqual(digest, k.digest);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(digest);
        }
    }
}
