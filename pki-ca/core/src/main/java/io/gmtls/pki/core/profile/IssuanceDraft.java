package io.gmtls.pki.core.profile;

import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.pki.core.crypto.SubjectKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A certificate being prepared: what was asked for, as the policy rules check and complete it.
 * Mutable on purpose, and confined to one issuance.
 */
public final class IssuanceDraft {

    private final CertificateProfile profile;
    private final SubjectPublicKeyInfo publicKey;
    private final KeyAlgorithm keyAlgorithm;
    private final Instant issuerNotBefore;
    private final Instant issuerNotAfter;
    private String commonName;
    private List<String> dnsNames;
    private X500Name subject;
    private Instant notBefore;
    private Instant notAfter;

    public IssuanceDraft(CertificateProfile profile, SubjectPublicKeyInfo publicKey, String commonName,
            List<String> dnsNames, Instant now, Instant issuerNotAfter) {
        this(profile, publicKey, commonName, dnsNames, now, null, issuerNotAfter);
    }

    /**
     * @param now             the requested notBefore (the CA core backdates it for clock skew)
     * @param issuerNotBefore the issuer's notBefore (the validity never starts earlier), or null
     * @param issuerNotAfter  the issuer's notAfter (the validity never ends later), or null
     */
    public IssuanceDraft(CertificateProfile profile, SubjectPublicKeyInfo publicKey, String commonName,
            List<String> dnsNames, Instant now, Instant issuerNotBefore, Instant issuerNotAfter) {
        this.profile = profile;
        this.publicKey = canonical(publicKey);
        this.keyAlgorithm = KeyAlgorithm.of(this.publicKey);
        this.commonName = commonName;
        this.dnsNames = dnsNames == null ? new ArrayList<>() : new ArrayList<>(dnsNames);
        this.notBefore = now;
        this.notAfter = now.plus(profile.validity());
        this.issuerNotBefore = issuerNotBefore;
        this.issuerNotAfter = issuerNotAfter;
    }

    /** Every certificate carries the canonical encoding of its key, whatever path the key came by. */
    private static SubjectPublicKeyInfo canonical(SubjectPublicKeyInfo key) {
        try {
            return SubjectKeys.canonical(key);
        } catch (java.security.GeneralSecurityException e) {
            throw PkiException.badRequest("the public key is not a point on its curve");
        }
    }

    public CertificateProfile profile() {
        return profile;
    }

    public SubjectPublicKeyInfo publicKey() {
        return publicKey;
    }

    public KeyAlgorithm keyAlgorithm() {
        return keyAlgorithm;
    }

    /** The issuer's notBefore, or null when not known. */
    public Instant issuerNotBefore() {
        return issuerNotBefore;
    }

    public Instant issuerNotAfter() {
        return issuerNotAfter;
    }

    public String commonName() {
        return commonName;
    }

    public void commonName(String value) {
        this.commonName = value;
    }

    public List<String> dnsNames() {
        return List.copyOf(dnsNames);
    }

    public void dnsNames(List<String> names) {
        this.dnsNames = new ArrayList<>(names);
    }

    public X500Name subject() {
        return subject;
    }

    public void subject(X500Name value) {
        this.subject = value;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public void validity(Instant from, Instant to) {
        this.notBefore = from;
        this.notAfter = to;
    }
}
