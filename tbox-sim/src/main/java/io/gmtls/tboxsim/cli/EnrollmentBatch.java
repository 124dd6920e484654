package io.gmtls.tboxsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.gmtls.tboxsim.enroll.EnrolledVehicle;
import io.gmtls.tboxsim.enroll.EnrollmentException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs enrollments or renewals of many vehicles a few at a time, prints one line per vehicle and a
 * summary, and counts failures by cause.
 */
final class EnrollmentBatch {

    /** One vehicle's work: enroll/renew and store; returns null when it was skipped. */
    interface Task {
        EnrolledVehicle run(String vin) throws EnrollmentException, InterruptedException, IOException;
    }

    /**
     * What a batch did.
     *
     * @param command   enroll or renew
     * @param succeeded vehicles enrolled/renewed and stored
     * @param repeated  of which the server answered as a repeat (200)
     * @param skipped   vehicles left alone (credentials already there)
     * @param failed    vehicles that failed
     * @param seconds   wall time
     * @param perSecond succeeded / seconds
     * @param errors    failures by cause
     */
    record Report(String command, int succeeded, int repeated, int skipped, int failed, double seconds,
            double perSecond, Map<String, Integer> errors) {

        String toText() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                    "tbox-sim %s: %d %s (%d repeated), %d skipped, %d failed in %.1f s (%.1f/s)%n", command, succeeded,
                    command.equals("renew") ? "renewed" : "enrolled", repeated, skipped, failed, seconds, perSecond));
            errors.forEach((cause, n) -> text.append(String.format(Locale.ROOT, "  %6d  %s%n", n, cause)));
            return text.toString();
        }

        void writeJson(Path file) throws IOException {
            Files.writeString(file, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                    .writeValueAsString(this) + System.lineSeparator());
        }
    }

    private EnrollmentBatch() {
    }

    static Report run(String command, List<String> vins, int concurrency, Task task, PrintWriter out)
            throws InterruptedException {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, vins.size()));
        int succeeded = 0;
        int repeated = 0;
        int skipped = 0;
        int failed = 0;
        Map<String, Integer> errors = new LinkedHashMap<>();
        try {
            List<Future<EnrolledVehicle>> results = new ArrayList<>();
            for (String vin : vins) {
                results.add(pool.submit(() -> task.run(vin)));
            }
            for (int i = 0; i < vins.size(); i++) {
                String vin = vins.get(i);
                try {
                    EnrolledVehicle vehicle = results.get(i).get();
                    if (vehicle == null) {
                        skipped++;
                        line(out, vin + " skipped: credentials exist (--force replaces them)");
                    } else {
                        succeeded++;
                        repeated += vehicle.repeated() ? 1 : 0;
                        line(out, String.format(Locale.ROOT, "%s %s: sign serial %s, enc serial %s, until %s%s", vin,
                                command.equals("renew") ? "renewed" : "enrolled",
                                vehicle.credentials().signCert().getSerialNumber().toString(16),
                                vehicle.credentials().encCert().getSerialNumber().toString(16), vehicle.notAfter(),
                                vehicle.repeated() ? " (repeat)" : ""));
                    }
                } catch (ExecutionException e) {
                    failed++;
                    Throwable cause = e.getCause();
                    String key;
                    String message;
                    if (cause instanceof EnrollmentException enrollment) {
                        key = enrollment.cause();
                        message = enrollment.getMessage();
                    } else if (cause instanceof IOException io) {
                        key = "cannot store";
                        message = "cannot store: " + io.getMessage();
                    } else {
                        key = cause.getClass().getSimpleName();
                        message = String.valueOf(cause.getMessage());
                    }
                    errors.merge(key, 1, Integer::sum);
                    line(out, vin + " failed: " + message);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Report(command, succeeded, repeated, skipped, failed, Math.round(seconds * 100) / 100.0,
                seconds > 0 ? Math.round(succeeded / seconds * 100) / 100.0 : 0, errors);
    }

    private static void line(PrintWriter out, String text) {
        out.println(text);
        out.flush();
    }
}
