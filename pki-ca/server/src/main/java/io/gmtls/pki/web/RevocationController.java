package io.gmtls.pki.web;

import io.gmtls.pki.core.CaDirectory;
import io.gmtls.pki.core.CrlStore.StoredCrl;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.revocation.CrlPublisher;
import io.gmtls.pki.core.revocation.OcspResponder;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;

/**
 * Public revocation information: CRLs at {@code /crl/{ca}.crl} (and {@code -delta.crl}), OCSP at
 * {@code /ocsp} (POST, and GET with the base64 request in the path), CA certificates at
 * {@code /ca/{ca}.crt}; with HTTP caching headers (max-age up to nextUpdate, ETag = CRL number).
 */
@RestController
public class RevocationController {

    private static final MediaType CRL = MediaType.parseMediaType("application/pkix-crl");
    private static final MediaType OCSP_RESPONSE = MediaType.parseMediaType("application/ocsp-response");

    private final PkiStores stores;
    private final CrlPublisher publisher;
    private final OcspResponder ocsp;
    private final CaDirectory cas;

    public RevocationController(PkiStores stores, CrlPublisher publisher, OcspResponder ocsp, CaDirectory cas) {
        this.stores = stores;
        this.publisher = publisher;
        this.ocsp = ocsp;
        this.cas = cas;
    }

    @GetMapping("/crl/{name}.crl")
    public ResponseEntity<byte[]> crl(@PathVariable String name, WebRequest request) {
        boolean delta = name.endsWith("-delta");
        String ca = delta ? name.substring(0, name.length() - "-delta".length()) : name;
        cas.findIssuing(ca).orElseThrow(() -> PkiException.notFound("no issuing CA '" + AdminCertificateController.clip(ca) + "'"));
        StoredCrl crl = stores.crls().latest(ca, delta)
                .orElseGet(() -> delta ? publisher.publishDelta(ca) : publisher.publishFull(ca));
        String etag = "\"" + ca + "-" + crl.number() + "\"";
        if (request.checkNotModified(etag, crl.thisUpdate().toEpochMilli())) {
            return null;
        }
        return ResponseEntity.ok().contentType(CRL).cacheControl(cacheUntil(crl.nextUpdate()))
                .eTag(etag).lastModified(crl.thisUpdate()).header("Expires", httpDate(crl.nextUpdate()))
                .body(crl.der());
    }

    /** Publishes a new full and delta CRL now. */
    @PostMapping("/api/v1/admin/crl/{ca}")
    @Allowed({ApiRole.OPERATOR})
    public ResponseEntity<byte[]> publish(@PathVariable String ca) {
        cas.findIssuing(ca).orElseThrow(() -> PkiException.notFound("no issuing CA '" + AdminCertificateController.clip(ca) + "'"));
        StoredCrl crl = publisher.publishFull(ca);
        publisher.publishDelta(ca);
        return ResponseEntity.ok().contentType(CRL).body(crl.der());
    }

    @GetMapping("/api/v1/admin/crl/{ca}")
    @Allowed({ApiRole.OPERATOR, ApiRole.AUDITOR})
    public ResponseEntity<byte[]> download(@PathVariable String ca) {
        cas.findIssuing(ca).orElseThrow(() -> PkiException.notFound("no issuing CA '" + AdminCertificateController.clip(ca) + "'"));
        StoredCrl crl = stores.crls().latest(ca, false).orElseGet(() -> publisher.publishFull(ca));
        return ResponseEntity.ok().contentType(CRL).body(crl.der());
    }

    @GetMapping("/ca/{name}.crt")
    public ResponseEntity<String> caCertificate(@PathVariable String name) {
        var record = cas.record(name).orElseThrow(() -> PkiException.notFound("no CA '" + AdminCertificateController.clip(name) + "'"));
        try {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pem-file"))
                    .cacheControl(CacheControl.maxAge(1, TimeUnit.HOURS))
                    .body(Pem.certificate(record.certificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @PostMapping(value = "/ocsp", consumes = "application/ocsp-request")
    public ResponseEntity<byte[]> ocspPost(@RequestBody(required = false) byte[] body) {
        return answer(ocsp.respond(body), false);
    }

    /** RFC 6960 §A.1 GET: {@code /ocsp/<url-encoded base64 DER request>}. */
    @GetMapping("/ocsp/**")
    public ResponseEntity<byte[]> ocspGet(jakarta.servlet.http.HttpServletRequest http) {
        String uri = http.getRequestURI();
        int at = uri.indexOf("/ocsp/");
        byte[] der;
        try {
            String encoded = uri.substring(at + "/ocsp/".length());
            if (encoded.length() > 2 * OcspResponder.MAX_REQUEST_BYTES) {
                der = new byte[0];
            } else {
                der = Base64.getDecoder().decode(percentDecode(encoded));
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            der = new byte[0];
        }
        return answer(ocsp.respond(der), true);
    }

    /** Decodes %XX escapes only ('+' is a base64 character here, not a space). */
    static String percentDecode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static ResponseEntity<byte[]> answer(OcspResponder.Answer answer, boolean get) {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(OCSP_RESPONSE);
        if (get && answer.successful() && !answer.hasNonce()) {
            // RFC 5019 §6: cacheable until nextUpdate.
            ok.cacheControl(cacheUntil(answer.nextUpdate()).cachePublic().noTransform().mustRevalidate())
                    .lastModified(answer.thisUpdate()).header("Expires", httpDate(answer.nextUpdate()));
        } else {
            ok.cacheControl(CacheControl.noStore());
        }
        return ok.body(answer.der());
    }

    private static CacheControl cacheUntil(Instant until) {
        long seconds = Math.max(0, Duration.between(Instant.now(), until).getSeconds());
        return CacheControl.maxAge(seconds, TimeUnit.SECONDS);
    }

    private static String httpDate(Instant t) {
        return java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atZone(java.time.ZoneOffset.UTC));
    }
}
