package io.gmtls.enrollment;

import io.gmtls.testsupport.Ppv2Client;
import static io.gmtls.enrollment.EnrollmentEnvironment.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.enrollment.EnrollmentEnvironment.AuditRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 11 item 21: refused requests without an accepted credential used to append one audit row each,
 * under the audit log's single lock, so anyone could flood the log (and stall issuance) from many
 * addresses. They are now summed per window and source prefix (IPv4 /24, IPv6 /56).
 */
class RefusalAggregationIT {

    private static final Pattern SUM = Pattern.compile("^no-credential: (\\d+) refused from (\\S+) ");

    private static EnrollmentEnvironment env;

    @BeforeAll
    static void start() throws Exception {
        env = EnrollmentEnvironment.get();
    }

    @Test
    void manyUnauthenticatedRefusalsBecomeBoundedRowsWithExactCountsPerSourcePrefix() throws Exception {
        ConfigurableApplicationContext node = env.startNode("none", "--gmtls.enrollment.refusal-audit-window=1s");
        try {
            int port = EnrollmentEnvironment.port(node);
            // Sources and the prefix each is counted under.
            Map<String, String> sources = new LinkedHashMap<>();
            for (int i = 1; i <= 60; i++) {
                sources.put("10.77.1." + i, "10.77.1.0/24");
            }
            for (int i = 1; i <= 40; i++) {
                sources.put("10.77.2." + (i + 100), "10.77.2.0/24");
            }
            for (int i = 1; i <= 30; i++) {
                sources.put("2001:db8:77:1100::" + Integer.toHexString(i), "2001:db8:77:1100::/56");
            }
            for (int i = 1; i <= 20; i++) {
                // Other addresses of the same /56.
                sources.put("2001:db8:77:11" + String.format("%02x", i) + ":" + i + "::1", "2001:db8:77:1100::/56");
            }
            for (int i = 1; i <= 10; i++) {
                sources.put("2001:db8:77:1200::" + i, "2001:db8:77:1200::/56");
            }
            Map<String, Long> expected = new HashMap<>();
            sources.values().forEach(prefix -> expected.merge(prefix, 1L, Long::sum));

            String vin = env.newVin(MODEL);
            Map<String, Object> body = EnrollmentRestIT.body(vin, Csrs.csr(Csrs.sm2(), vin), null);
            long seq = env.auditHead();
            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> calls = new ArrayList<>();
            for (String source : sources.keySet()) {
                // No client certificate and no token: refused before any credential is checked.
                calls.add(pool.submit(() -> Ppv2Client.postJson(port, Ppv2Client.facts(source, null), "/api/v1/enroll",
                        body).status()));
            }
            for (Future<Integer> call : calls) {
                assertThat(call.get()).isEqualTo(403);
            }
            pool.shutdown();
            long windows = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 2;

            // The sums arrive when their window ends.
            Map<String, Long> counted = new HashMap<>();
            List<AuditRow> rows = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!counted.equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                // This test's refusals: by source prefix, or (one row each, as before) by its VIN.
                rows = env.auditSince(seq).stream().filter(r -> r.target().startsWith("10.77.")
                        || r.target().startsWith("2001:db8:77:") || r.target().equals(vin)).toList();
                counted = new HashMap<>();
                for (AuditRow row : rows) {
                    Matcher m = SUM.matcher(row.detail());
                    if (m.find()) {
                        counted.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
                    }
                }
            }
            assertThat(rows).as("one row per prefix and window, not one per request (%d requests)", sources.size())
                    .hasSizeLessThanOrEqualTo((int) (expected.size() * (windows + 1)));
            assertThat(rows).allSatisfy(row -> {
                assertThat(row.outcome()).isEqualTo("FAILED");
                assertThat(row.action()).isEqualTo("enrollment.enroll");
                assertThat(row.actor()).isEqualTo("unauthenticated");
                assertThat(row.detail()).matches(SUM.pattern() + ".*");
                assertThat(row.target()).isIn(expected.keySet());
            });
            assertThat(counted).as("refusals counted per source prefix").isEqualTo(expected);
        } finally {
            env.stop(node);
        }
    }
}
