package io.gmtls.proxy.revocation;

import java.io.IOException;

/**
 * The feed server sent something the gateway refuses (an oversized line, bytes that are not UTF-8, an
 * event it cannot read): the stream is dropped and opened again. The message never carries the
 * offending bytes (they may be large or hostile).
 */
final class FeedProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason the metric tag: {@code oversized} or {@code malformed}
     * @param message what was wrong, for the log
     */
    FeedProtocolException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** {@code oversized} or {@code malformed}. */
    String reason() {
        return reason;
    }
}
