package io.gmtls.pki.core.revocation;

import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.AuditLog;
import io.gmtls.pki.core.CaDirectory;
import io.gmtls.pki.core.CaRepository;
import io.gmtls.pki.core.CaUrls;
import io.gmtls.pki.core.CertificateStore;
import io.gmtls.pki.core.CertificateStore.RevokedEntry;
import io.gmtls.pki.core.CrlStore;
import io.gmtls.pki.core.CrlStore.StoredCrl;
import io.gmtls.pki.core.IssuingCa;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.Transactions;
import io.gmtls.pki.core.crypto.KeyIdentifiers;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;

/**
 * Publishes full and delta CRLs (RFC 5280 §5) for the issuing CAs. Numbers are shared by full and
 * delta CRLs of a CA and strictly increase; a delta lists the revocations after its base full CRL.
 */
public final class CrlPublisher {

    private final CaDirectory cas;
    private final CaRepository caRepository;
    private final CertificateStore certificates;
    private final CrlStore crls;
    private final Transactions transactions;
    private final AuditLog audit;
    private final CaUrls urls;
    private final Clock clock;
    private final Duration validity;

    /** @param validity time from thisUpdate to nextUpdate */
    public CrlPublisher(CaDirectory cas, CaRepository caRepository, CertificateStore certificates, CrlStore crls,
            Transactions transactions, AuditLog audit, CaUrls urls, Clock clock, Duration validity) {
        this.cas = cas;
        this.caRepository = caRepository;
        this.certificates = certificates;
        this.crls = crls;
        this.transactions = transactions;
        this.audit = audit;
        this.urls = urls;
        this.clock = clock;
        this.validity = validity;
    }

    /** Generates, stores and returns a new full CRL. */
    public StoredCrl publishFull(String caName) {
        IssuingCa ca = cas.issuing(caName);
        return transactions.inTransaction(() -> {
            List<RevokedEntry> entries = certificates.revocationsForCrl(caName, 0);
            long number = caRepository.nextCrlNumber(caName);
            long max = entries.stream().mapToLong(RevokedEntry::revocationId).max().orElse(0);
            StoredCrl crl = build(ca, number, null, max, entries);
            crls.save(crl);
            audited(crl, entries.size());
            return crl;
        });
    }

    /** Generates, stores and returns a delta CRL against the latest full CRL (publishing one if none exists). */
    public StoredCrl publishDelta(String caName) {
        IssuingCa ca = cas.issuing(caName);
        StoredCrl base = crls.latest(caName, false).orElseGet(() -> publishFull(caName));
        return transactions.inTransaction(() -> {
            List<RevokedEntry> entries = certificates.revocationsForCrl(caName, base.maxRevocationId());
            long number = caRepository.nextCrlNumber(caName);
            long max = Math.max(base.maxRevocationId(),
                    entries.stream().mapToLong(RevokedEntry::revocationId).max().orElse(0));
            StoredCrl crl = build(ca, number, base.number(), max, entries);
            crls.save(crl);
            audited(crl, entries.size());
            return crl;
        });
    }

    /** Every CRL signed is audited, in the transaction that stores it (its last statement). */
    private void audited(StoredCrl crl, int entries) {
        audit.append(AuditEvent.success(Actor.SYSTEM, "crl.publish", crl.caName(), (crl.delta()
                ? "delta number=" + crl.number() + " base=" + crl.baseNumber() : "full number=" + crl.number())
                + " entries=" + entries + " thisUpdate=" + crl.thisUpdate() + " nextUpdate=" + crl.nextUpdate()));
    }

    /** Full then delta, for every issuing CA (the schedule and post-revocation hook call this). */
    public void publishAll() {
        for (IssuingCa ca : cas.issuingCas()) {
            publishFull(ca.name());
            publishDelta(ca.name());
        }
    }

    private StoredCrl build(IssuingCa ca, long number, Long baseNumber, long maxRevocationId,
            List<RevokedEntry> entries) {
        Instant thisUpdate = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = thisUpdate.plus(validity);
        try {
            X509CertificateHolder issuer = new X509CertificateHolder(ca.certificate().getEncoded());
            X509v2CRLBuilder builder = new X509v2CRLBuilder(issuer.getSubject(), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (RevokedEntry entry : entries) {
                int reason = entry.reason() == RevocationReason.UNSPECIFIED ? -1 : entry.reason().code();
                if (reason < 0) {
                    builder.addCRLEntry(new BigInteger(entry.serial(), 16), Date.from(entry.revokedAt()), null);
                } else {
                    builder.addCRLEntry(new BigInteger(entry.serial(), 16), Date.from(entry.revokedAt()),
                            CRLReason.lookup(reason).getValue().intValueExact());
                }
            }
            // The issuer's SKI as it is (RFC 5280 5.2.1), not one computed from its key.
            builder.addExtension(Extension.authorityKeyIdentifier, false, KeyIdentifiers.authorityKeyIdentifier(issuer));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
            if (baseNumber != null) {
                builder.addExtension(Extension.deltaCRLIndicator, true, new ASN1Integer(baseNumber));
            } else if (urls.configured()) {
                DistributionPoint freshest = new DistributionPoint(new DistributionPointName(new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, urls.deltaCrlUrl(ca.name())))),
                        null, null);
                builder.addExtension(Extension.freshestCRL, false, new CRLDistPoint(new DistributionPoint[] {freshest}));
            }
            X509CRLHolder crl = builder.build(ca.signer().newContentSigner());
            return new StoredCrl(ca.name(), number, baseNumber != null, baseNumber, maxRevocationId, thisUpdate,
                    nextUpdate, crl.getEncoded());
        } catch (IOException | CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new PkiException(PkiException.Kind.INTERNAL, "CRL generation failed", e);
        }
    }
}
