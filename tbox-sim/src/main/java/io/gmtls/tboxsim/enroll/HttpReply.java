package io.gmtls.tboxsim.enroll;

/**
 * An HTTP response as the enrollment client needs it.
 *
 * @param status            status code
 * @param contentType       Content-Type header, or empty
 * @param retryAfterSeconds Retry-After in seconds (delta form), or -1
 * @param body              the body (bounded by the client's maximum)
 */
public record HttpReply(int status, String contentType, long retryAfterSeconds, byte[] body) {

    public HttpReply {
        contentType = contentType == null ? "" : contentType;
        body = body.clone();
    }

    /** Reads a Retry-After header value: delay-seconds only (an HTTP date counts as absent). */
    static long retryAfter(String header) {
        if (header == null || header.isBlank() || header.strip().length() > 9) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
