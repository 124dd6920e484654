package io.gmtls.tboxsim.cli;

import java.nio.file.Path;
import java.time.Duration;

import picocli.CommandLine.Option;

/** Options enroll and renew share. */
final class EnrollOptions {

    @Option(names = "--concurrency", defaultValue = "4", paramLabel = "N",
            description = "Vehicles handled at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--retries", defaultValue = "2", paramLabel = "N",
            description = "Repeats of a request that failed for a passing reason (connection lost, timeout, "
                    + "429 after its Retry-After, 502/503/504), with the same CSR. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--request-timeout", defaultValue = "30s", paramLabel = "DURATION",
            converter = Converters.DurationValue.class,
            description = "Per request: connect, handshake and answer. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--enroll-path", defaultValue = "/api/v1/enroll", paramLabel = "PATH",
            description = "Path of enrollment. Default: ${DEFAULT-VALUE}.")
    String enrollPath;

    @Option(names = "--renew-path", defaultValue = "/api/v1/renew", paramLabel = "PATH",
            description = "Path of renewal. Default: ${DEFAULT-VALUE}.")
    String renewPath;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the counts as JSON to FILE.")
    Path json;

    void validate() {
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("--concurrency: 1..256");
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("--retries: 0..10");
        }
        ServerOptions.positive(timeout, "--request-timeout");
        if (!enrollPath.startsWith("/") || !renewPath.startsWith("/")) {
            throw new IllegalArgumentException("--enroll-path/--renew-path: must start with '/'");
        }
    }
}
