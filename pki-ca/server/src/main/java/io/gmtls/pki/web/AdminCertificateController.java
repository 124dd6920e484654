package io.gmtls.pki.web;

import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.AuditLog;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.CertificateImporter;
import io.gmtls.pki.core.CertificateQuery;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.CertificateStore;
import io.gmtls.pki.core.IssueRequest;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.Transactions;
import io.gmtls.pki.core.VehicleCredentials;
import io.gmtls.pki.core.VehiclePairRequest;
import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.SerialNumbers;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Issue, fetch, search and revoke certificates. */
@RestController
@RequestMapping("/api/v1/admin")
public class AdminCertificateController {

    private final CertificateAuthority ca;
    private final CertificateImporter importer;
    private final CertificateStore certificates;
    private final AuditLog audit;
    private final Transactions transactions;

    public AdminCertificateController(CertificateAuthority ca, CertificateImporter importer,
            io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores stores) {
        this.ca = ca;
        this.importer = importer;
        this.certificates = stores.certificates();
        this.audit = stores.audit();
        this.transactions = stores.transactions();
    }

    /**
     * @param profile    profile name, e.g. gateway-sign
     * @param csr        PKCS#10 as PEM or base64 DER (or give publicKey)
     * @param publicKey  SubjectPublicKeyInfo as PEM or base64 DER
     * @param commonName CN; default: the CSR's
     * @param dnsNames   SAN DNS names for server profiles
     */
    public record IssueBody(String profile, String csr, String publicKey, String commonName, List<String> dnsNames) {
    }

    @PostMapping("/certificates")
    @Allowed({ApiRole.OPERATOR})
    public ResponseEntity<CertificateView> issue(@RequestBody IssueBody body, HttpServletRequest request) {
        if (body.profile() == null) {
            throw PkiException.badRequest("profile is required");
        }
        byte[] csr = body.csr() == null ? null : CertificateRequests.decode(body.csr());
        byte[] key = body.publicKey() == null ? null : decodePublicKey(body.publicKey());
        IssuedCertificate issued = ca.issue(new IssueRequest(body.profile(), csr, key, body.commonName(),
                body.dnsNames()), Callers.actor(request));
        return ResponseEntity.status(HttpStatus.CREATED).body(CertificateView.of(issued));
    }

    /**
     * @param certificate PEM or base64 DER of a certificate one of our issuing CAs signed
     * @param profile     profile to store it under; default: recognised from the certificate
     */
    public record ImportBody(String certificate, String profile) {
    }

    /**
     * Takes in a certificate our issuing CA signed elsewhere (a CA migration): signature checked,
     * stored as valid under its profile, audited; 409 when it is already known.
     */
    @PostMapping("/certificates/import")
    @Allowed({ApiRole.OPERATOR})
    public ResponseEntity<CertificateView> importCertificate(@RequestBody ImportBody body, HttpServletRequest request) {
        if (body == null) {
            throw PkiException.badRequest("certificate is required");
        }
        var certificate = CertificateImporter.parse(Pem.decodeCertificate(body.certificate()));
        IssuedCertificate imported = importer.importCertificate(certificate, body.profile(), Callers.actor(request));
        return ResponseEntity.status(HttpStatus.CREATED).body(CertificateView.of(imported));
    }

    /** @param csr the vehicle's SM2 signing CSR (PEM or base64 DER) */
    public record PairBody(String csr, String signProfile, String encProfile) {
    }

    /** Both certificates of a vehicle and its enveloped encryption key. */
    public record PairView(CertificateView signing, CertificateView encryption, String envelopedKey, String chainPem) {
    }

    @PostMapping("/vehicles/{vin}/credentials")
    @Allowed({ApiRole.OPERATOR})
    public ResponseEntity<PairView> issuePair(@PathVariable String vin, @RequestBody PairBody body,
            HttpServletRequest request) {
        byte[] csr = CertificateRequests.decode(body.csr());
        VehicleCredentials credentials = ca.issueVehiclePair(
                new VehiclePairRequest(vin, csr, body.signProfile(), body.encProfile()), Callers.actor(request));
        return ResponseEntity.status(HttpStatus.CREATED).body(new PairView(CertificateView.of(credentials.signing()),
                CertificateView.of(credentials.encryption()),
                Base64.getEncoder().encodeToString(credentials.envelopedKey()), Pem.chain(credentials.chain())));
    }

    @GetMapping("/certificates/{serial}")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public CertificateView get(@PathVariable String serial) {
        return CertificateView.of(ca.find(serial)
                .orElseThrow(() -> PkiException.notFound("no certificate with serial " + clip(serial))));
    }

    @GetMapping(value = "/certificates/{serial}/der", produces = "application/pkix-cert")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public ResponseEntity<byte[]> der(@PathVariable String serial) {
        IssuedCertificate c = ca.find(serial)
                .orElseThrow(() -> PkiException.notFound("no certificate with serial " + clip(serial)));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/pkix-cert")).body(c.der());
    }

    @GetMapping("/certificates")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public List<CertificateView> search(@RequestParam(required = false) String vin,
            @RequestParam(required = false) String cn, @RequestParam(required = false) String serial,
            @RequestParam(required = false) String status, @RequestParam(required = false) String profile,
            @RequestParam(defaultValue = "100") int limit) {
        CertificateStatus st = null;
        if (status != null) {
            try {
                st = CertificateStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw PkiException.badRequest("status must be valid or revoked");
            }
        }
        String normalizedSerial = null;
        if (serial != null) {
            normalizedSerial = SerialNumbers.normalize(serial);
            if (normalizedSerial == null) {
                throw PkiException.badRequest("serial must be hexadecimal");
            }
        }
        if (limit < 1 || limit > 1000) {
            throw PkiException.badRequest("limit must be between 1 and 1000");
        }
        return ca.search(new CertificateQuery(vin, cn, normalizedSerial, st, profile, limit)).stream()
                .map(CertificateView::of).toList();
    }

    /** @param reason RFC 5280 reason name, e.g. keyCompromise */
    public record RevokeBody(String reason) {
    }

    @PostMapping("/certificates/{serial}/revoke")
    @Allowed({ApiRole.OPERATOR})
    public CertificateView revoke(@PathVariable String serial, @RequestBody(required = false) RevokeBody body,
            HttpServletRequest request) {
        RevocationReason reason = RevocationReason.parse(body == null ? null : body.reason());
        return CertificateView.of(ca.revoke(serial, reason, Callers.actor(request)));
    }

    /** Releases a certificate revoked with reason certificateHold: valid again; 409 in any other state. */
    @PostMapping("/certificates/{serial}/release")
    @Allowed({ApiRole.OPERATOR})
    public CertificateView release(@PathVariable String serial, HttpServletRequest request) {
        return CertificateView.of(ca.release(serial, Callers.actor(request)));
    }

    /** The escrowed encryption key: an SM2EnvelopedKey to the key-management key (base64 DER). */
    public record EscrowView(String serial, String envelopedKey) {
    }

    /** Key material leaves the CA here: every retrieval, and every attempt, is audited first. */
    @GetMapping("/certificates/{serial}/escrow")
    @Allowed({ApiRole.ADMIN})
    public EscrowView escrow(@PathVariable String serial, HttpServletRequest request) {
        String normalized = SerialNumbers.normalize(serial);
        if (normalized == null) {
            throw PkiException.badRequest("serial must be hexadecimal");
        }
        Actor actor = Callers.actor(request);
        byte[] key = transactions.inTransaction(() -> {
            java.util.Optional<byte[]> found = certificates.escrowedKey(normalized);
            if (found.isEmpty()) {
                return null;
            }
            audit.append(AuditEvent.success(actor, "certificate.escrow.retrieve", normalized,
                    "escrowed encryption key (sealed to the key-management key) handed out"));
            return found.get();
        });
        if (key == null) {
            transactions.inTransaction(() -> {
                audit.append(AuditEvent.failed(actor, "certificate.escrow.retrieve", normalized, "no escrowed key"));
                return null;
            });
            throw PkiException.notFound("no escrowed key for serial " + normalized);
        }
        return new EscrowView(normalized, Base64.getEncoder().encodeToString(key));
    }

    static byte[] decodePublicKey(String text) {
        String t = text.strip();
        if (t.length() > 8192) {
            throw new PkiException(PkiException.Kind.TOO_LARGE, "publicKey is too large");
        }
        if (t.startsWith("-----BEGIN PUBLIC KEY-----")) {
            byte[] der;
            try {
                der = io.gmtls.crypto.pem.Pem.decode(t, "PUBLIC KEY");
            } catch (java.io.IOException e) {
                der = null;
            }
            if (der == null) {
                throw PkiException.badRequest("publicKey is neither PEM nor base64 DER");
            }
            return der;
        }
        try {
            return Base64.getMimeDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw PkiException.badRequest("publicKey is neither PEM nor base64 DER");
        }
    }

    static String clip(String s) {
        String c = s.length() > 48 ? s.substring(0, 48) : s;
        return c.replaceAll("[^0-9A-Za-z:]", "?");
    }
}
