package io.gmtls.proxyprotocol;

/** Internal control flow of the checks: carries a rejection out of a nested walk. No stack trace. */
final class HeaderRejection extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient DecodeResult.Rejected rejected;

    HeaderRejection(RejectReason reason, String message) {
        super(message, null, false, false);
        this.rejected = new DecodeResult.Rejected(reason, message);
    }

    DecodeResult.Rejected rejected() {
        return rejected;
    }
}
