package io.gmtls.pki.web;

import io.gmtls.pki.core.PkiException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM text for API responses and requests: the encoding is gm-crypto's {@link io.gmtls.crypto.pem.Pem};
 * this class adds the API's bounds and turns bad input into a 400/413 naming what is wrong.
 */
final class Pem {

    private Pem() {
    }

    static String certificate(byte[] der) {
        return io.gmtls.crypto.pem.Pem.encode("CERTIFICATE", der);
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
            PemObject pem;
            try {
                pem = io.gmtls.crypto.pem.Pem.firstBlock(t);
            } catch (IOException e) {
                throw PkiException.badRequest("certificate is not valid PEM");
            }
            if (pem == null || !pem.getType().equals("CERTIFICATE")) {
                throw PkiException.badRequest("certificate is not a PEM CERTIFICATE");
            }
            return pem.getContent();
        }
        try {
            return Base64.getMimeDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw PkiException.badRequest("certificate is neither PEM nor base64 DER");
        }
    }

    static String chain(List<X509Certificate> chain) {
        return io.gmtls.crypto.pem.Pem.certificates(chain);
    }
}
