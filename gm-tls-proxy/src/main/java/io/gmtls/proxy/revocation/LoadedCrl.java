package io.gmtls.proxy.revocation;

import io.gmtls.crypto.pem.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.cert.CRLException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;

import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * A parsed CRL whose signature was verified against its configured CA, with its revoked serials in a
 * hash set (a handshake asks in O(1), whatever the CRL size). Immutable.
 */
final class LoadedCrl {

    private final X509CRL crl;
    private final Set<BigInteger> revoked;
    private final Instant thisUpdate;
    private final Instant nextUpdate;
    private final BigInteger number;

    private LoadedCrl(X509CRL crl, Set<BigInteger> revoked, BigInteger number) {
        this.crl = crl;
        this.revoked = revoked;
        this.thisUpdate = crl.getThisUpdate().toInstant();
        Date next = crl.getNextUpdate();
        this.nextUpdate = next == null ? null : next.toInstant();
        this.number = number;
    }

    /**
     * Parses and checks a CRL (DER or PEM): issued by the CA's name, signed by the CA's key (SM2 through
     * BouncyCastle), {@code thisUpdate} not in the future beyond the allowed skew.
     *
     * @throws CRLException naming what is wrong
     */
    static LoadedCrl parse(byte[] bytes, X509Certificate issuer, Provider bc, Instant now) throws CRLException {
        X509CRL crl;
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509", bc);
            crl = (X509CRL) factory.generateCRL(new ByteArrayInputStream(pemToDer(bytes)));
        } catch (CRLException e) {
            throw e;
        } catch (Exception e) {
            throw new CRLException("not a CRL: " + e.getMessage(), e);
        }
        if (crl == null) {
            throw new CRLException("no CRL in the data");
        }
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new CRLException("CRL issuer " + crl.getIssuerX500Principal().getName()
                    + " is not the configured CA " + issuer.getSubjectX500Principal().getName());
        }
        try {
            crl.verify(issuer.getPublicKey(), bc);
        } catch (Exception e) {
            throw new CRLException("CRL signature does not verify with the key of "
                    + issuer.getSubjectX500Principal().getName(), e);
        }
        if (crl.getThisUpdate().toInstant().isAfter(now.plusSeconds(300))) {
            throw new CRLException("CRL thisUpdate " + crl.getThisUpdate().toInstant() + " is in the future");
        }
        Set<BigInteger> serials = new HashSet<>();
        Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
        if (entries != null) {
            for (X509CRLEntry entry : entries) {
                if (entry.getCertificateIssuer() != null
                        && !entry.getCertificateIssuer().equals(issuer.getSubjectX500Principal())) {
                    // Indirect CRL entries name other issuers: this gateway only trusts the CA's own entries.
                    continue;
                }
                serials.add(entry.getSerialNumber());
            }
        }
        return new LoadedCrl(crl, Set.copyOf(serials), crlNumber(crl));
    }

    /** The cRLNumber extension (RFC 5280 5.2.3), or null when the CRL has none. */
    private static BigInteger crlNumber(X509CRL crl) throws CRLException {
        byte[] extension = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (extension == null) {
            return null;
        }
        try {
            return CRLNumber.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension)).getCRLNumber();
        } catch (IOException | RuntimeException e) {
            throw new CRLException("malformed cRLNumber extension", e);
        }
    }

    /**
     * Why this CRL must not replace {@code current}, or null when it may: never an older thisUpdate,
     * never a lower CRL number, and never another CRL under the same number (a number names one CRL).
     * Without numbers on both, thisUpdate alone decides (equal thisUpdate is accepted: two CRLs issued
     * in the same second can't be told apart any other way).
     */
    String whyNotNewerThan(LoadedCrl current) {
        if (thisUpdate.isBefore(current.thisUpdate)) {
            return "thisUpdate " + thisUpdate + " is older than the CRL in use (" + current.thisUpdate + ")";
        }
        if (number != null && current.number != null) {
            int order = number.compareTo(current.number);
            if (order < 0) {
                return "CRL number " + number + " is lower than the CRL in use (" + current.number + ")";
            }
            if (order == 0 && !crl.equals(current.crl)) {
                return "CRL number " + number + " is the number of the CRL in use, with other content";
            }
        }
        return null;
    }

    /** The CRL number, or null. */
    BigInteger number() {
        return number;
    }

    private static byte[] pemToDer(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!text.contains("-----BEGIN X509 CRL-----")) {
            return bytes;
        }
        byte[] der;
        try {
            der = Pem.decode(text, "X509 CRL");
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed PEM CRL", e);
        }
        if (der == null) {
            throw new IllegalArgumentException("PEM CRL without a readable X509 CRL block");
        }
        return der;
    }

    boolean isRevoked(BigInteger serial) {
        return revoked.contains(serial);
    }

    int size() {
        return revoked.size();
    }

    Instant thisUpdate() {
        return thisUpdate;
    }

    /** Null when the CRL names no next update. */
    Instant nextUpdate() {
        return nextUpdate;
    }

    X509CRL crl() {
        return crl;
    }
}
