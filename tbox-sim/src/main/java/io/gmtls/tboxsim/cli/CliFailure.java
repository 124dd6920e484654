package io.gmtls.tboxsim.cli;

/** A failure that ends a command with one line on stderr and exit code 1 (unreadable file, failed setup). */
final class CliFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliFailure(String message) {
        super(message);
    }

    CliFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
