package io.gmtls.enrollment.est;

import io.gmtls.enrollment.service.EnrollmentProblem;
import io.gmtls.enrollment.service.ProblemType;
import java.util.Base64;

/** Reads an EST request body: base64 of a DER PKCS#10 (RFC 7030 §4.2.1), line breaks allowed. */
final class EstRequests {

    /** A CSR of 8 KiB is already large; base64 of it with line breaks stays under 12 KiB. */
    static final int MAX_BODY_CHARS = 12 * 1024;

    private EstRequests() {
    }

    static byte[] pkcs10(String body) {
        if (body == null || body.isBlank()) {
            throw new EnrollmentProblem(ProblemType.INVALID_REQUEST, "the request body is empty: expected base64 PKCS#10");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw new EnrollmentProblem(ProblemType.TOO_LARGE, "the request body is larger than " + MAX_BODY_CHARS
                    + " characters");
        }
        StringBuilder compact = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
                continue;
            }
            compact.append(c);
        }
        try {
            byte[] der = Base64.getDecoder().decode(compact.toString());
            if (der.length == 0) {
                throw new EnrollmentProblem(ProblemType.INVALID_REQUEST, "the request body is empty: expected base64 PKCS#10");
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw new EnrollmentProblem(ProblemType.INVALID_CSR, "the request body is not base64 (expected base64 PKCS#10)");
        }
    }
}
