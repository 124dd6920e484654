package io.gmtls.pki.web;

import io.gmtls.pki.core.PkiException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** PEM text for API responses. */
final class Pem {

    private Pem() {
    }

    static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    static String certificate(byte[] der) {
        return encode("CERTIFICATE", der);
    }

    /**
     * The DER of a certificate given as PEM ({@code CERTIFICATE}) or base64 DER, bounded; a 400/413
     * naming what is wrong.
     */
    static byte[] decodeCertificate(String text) {
        if (text == null || text.isBlank()) {
            throw PkiException.badRequest("certificate is missing");
        }
        if (text.length() > 2 * io.gmtls.pki.core.CertificateImporter.MAX_CERTIFICATE_BYTES + 256) {
            throw new PkiException(PkiException.Kind.TOO_LARGE, "certificate is too large");
        }
        String t = text.strip();
        if (t.startsWith("-----BEGIN")) {
            try (org.bouncycastle.util.io.pem.PemReader reader =
                    new org.bouncycastle.util.io.pem.PemReader(new java.io.StringReader(t))) {
                org.bouncycastle.util.io.pem.PemObject pem = reader.readPemObject();
                if (pem == null || !pem.getType().equals("CERTIFICATE")) {
                    throw PkiException.badRequest("certificate is not a PEM CERTIFICATE");
                }
                return pem.getContent();
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw PkiException.badRequest("certificate is not valid PEM");
            }
        }
        try {
            return Base64.getMimeDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw PkiException.badRequest("certificate is neither PEM nor base64 DER");
        }
    }

    static String chain(List<X509Certificate> chain) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                sb.append(certificate(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }
}
