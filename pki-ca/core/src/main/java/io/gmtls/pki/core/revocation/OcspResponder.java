package io.gmtls.pki.core.revocation;

import io.gmtls.pki.core.CaDirectory;
import io.gmtls.pki.core.CertificateStore;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.IssuingCa;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.SerialNumbers;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * RFC 6960 responder: answers good / revoked / unknown for the issuing CAs' certificates, signed by
 * the CA's delegated OCSP signer (SM2-with-SM3 for the SM2 CA), echoing a nonce when one was sent.
 * Malformed requests get a {@code malformedRequest} response, never an exception.
 */
public final class OcspResponder {

    /** The largest request accepted (a request for 10 certificates is well under 1 KiB). */
    public static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int MAX_CERT_IDS = 10;

    private final CaDirectory cas;
    private final CertificateStore certificates;
    private final Clock clock;
    private final Duration validity;
    private final DigestCalculatorProvider digests;

    /** @param validity time from thisUpdate to nextUpdate in each response */
    public OcspResponder(CaDirectory cas, CertificateStore certificates, Clock clock, Duration validity) {
        this.cas = cas;
        this.certificates = certificates;
        this.clock = clock;
        this.validity = validity;
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().setProvider(GmCrypto.provider()).build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An OCSP response and what a cache may do with it.
     *
     * @param der        the DER OCSPResponse
     * @param successful true for a signed (successful) response
     * @param hasNonce   true when the response echoes a nonce (not cacheable)
     * @param thisUpdate when the status was produced
     * @param nextUpdate until when it may be cached
     */
    public record Answer(byte[] der, boolean successful, boolean hasNonce, Instant thisUpdate, Instant nextUpdate) {
    }

    /** Answers one DER OCSPRequest. */
    public Answer respond(byte[] request) {
        if (request == null || request.length == 0 || request.length > MAX_REQUEST_BYTES) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        OCSPReq req;
        try {
            req = new OCSPReq(request);
        } catch (IOException | RuntimeException e) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        Req[] ids = req.getRequestList();
        if (ids.length == 0 || ids.length > MAX_CERT_IDS) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        Optional<IssuingCa> ca = issuerOf(ids[0].getCertID());
        if (ca.isEmpty() || ca.get().ocspSigner() == null) {
            return status(OCSPRespBuilder.UNAUTHORIZED);
        }
        IssuingCa issuing = ca.get();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = now.plus(validity);
        try {
            X509CertificateHolder signerCert = new X509CertificateHolder(
                    issuing.ocspSigner().certificate().getEncoded());
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
                    new RespID(SubjectPublicKeyInfo.getInstance(issuing.ocspSigner().signer().publicKey().getEncoded()),
                            digests.get(CertificateID.HASH_SHA1)));
            for (Req one : ids) {
                CertificateID id = one.getCertID();
                builder.addResponse(id, statusOf(issuing, id, now), Date.from(now), Date.from(next), null);
            }
            Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (nonce != null) {
                if (nonce.getExtnValue().getOctets().length > 128) {
                    return status(OCSPRespBuilder.MALFORMED_REQUEST);
                }
                builder.setResponseExtensions(new Extensions(nonce));
            }
            var basic = builder.build(issuing.ocspSigner().signer().newContentSigner(),
                    new X509CertificateHolder[] {signerCert}, Date.from(now));
            OCSPResp resp = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic);
            return new Answer(resp.getEncoded(), true, nonce != null, now, next);
        } catch (OCSPException | IOException | CertificateEncodingException | OperatorCreationException e) {
            return status(OCSPRespBuilder.INTERNAL_ERROR);
        }
    }

    private Optional<IssuingCa> issuerOf(CertificateID id) {
        for (IssuingCa ca : cas.issuingCas()) {
            try {
                if (id.matchesIssuer(new X509CertificateHolder(ca.certificate().getEncoded()), digests)) {
                    return Optional.of(ca);
                }
            } catch (OCSPException | IOException | CertificateEncodingException | RuntimeException e) {
                // An unsupported hash algorithm in the CertID: not this CA.
            }
        }
        return Optional.empty();
    }

    private CertificateStatus statusOf(IssuingCa ca, CertificateID id, Instant now) throws OCSPException, IOException,
            CertificateEncodingException {
        if (!id.matchesIssuer(new X509CertificateHolder(ca.certificate().getEncoded()), digests)) {
            return new UnknownStatus();
        }
        String serial = SerialNumbers.normalize(id.getSerialNumber().toString(16));
        if (serial == null || id.getSerialNumber().signum() <= 0) {
            return new UnknownStatus();
        }
        Optional<IssuedCertificate> found = certificates.findBySerial(serial)
                .filter(c -> c.caName().equals(ca.name()));
        if (found.isEmpty()) {
            return new UnknownStatus();
        }
        IssuedCertificate c = found.get();
        if (c.status() == io.gmtls.pki.core.CertificateStatus.REVOKED) {
            return new RevokedStatus(Date.from(c.revokedAt()), c.revocationReason().code());
        }
        return CertificateStatus.GOOD;
    }

    private static Answer status(int status) {
        try {
            return new Answer(new OCSPRespBuilder().build(status, null).getEncoded(), false, false, null, null);
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
