package io.gmtls.tboxsim.cli;

/** Process exit codes of tbox-sim. */
final class ExitCodes {

    /** Everything worked. */
    static final int OK = 0;
    /** Setup failed: unreadable file, unusable credential, unreachable service before any work. */
    static final int FAILURE = 1;
    /** Bad command line. */
    static final int USAGE = 2;
    /** The run completed, with errors (failed connections, enrollments, missing messages). */
    static final int ERRORS = 3;

    private ExitCodes() {
    }
}
