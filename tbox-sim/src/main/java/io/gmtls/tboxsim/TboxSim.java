package io.gmtls.tboxsim;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import io.gmtls.tboxsim.cli.CommandLines;

/**
 * Entry point of {@code java -jar tbox-sim.jar}: a vehicle (T-Box) simulator and load generator with the
 * commands {@code enroll}, {@code renew}, {@code connect} and {@code subscribe}. Exit codes: 0 success,
 * 1 failure (unreadable files, setup), 2 bad options, 3 the run completed with errors.
 */
public final class TboxSim {

    /**
     * BouncyCastle's JSSE warns through java.util.logging about JDK security properties it ignores, on every
     * start; an operator can't act on it. Held here because JUL keeps loggers (and their level) weakly.
     */
    private static final java.util.logging.Logger BC_JSSE_LOG = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");

    private TboxSim() {
    }

    public static void main(String[] args) {
        if (BC_JSSE_LOG.getLevel() == null) {
            BC_JSSE_LOG.setLevel(java.util.logging.Level.SEVERE);
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }

    /** Runs one command line with the given output streams and returns its exit code (tests, embedding). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return CommandLines.create(out, err).execute(args);
    }
}
