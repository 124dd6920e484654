package io.gmtls.enrollment;

import static io.gmtls.enrollment.EnrollmentEnvironment.MODEL;

import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.VehiclePairRequest;
import io.gmtls.proxy.Gateway;
import io.gmtls.testsupport.Ppv2Client;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The enrollment benchmark (bench/enroll-bench.sh; not part of the test run). In one run, on one
 * database:
 * <ol>
 * <li>baseline: the CA's raw dual-certificate issuance ({@code issueVehiclePair}, in process);</li>
 * <li>REST enrollments straight to the service with a PPv2 header (no TLS: the service's own cost);</li>
 * <li>REST enrollments end to end through the gateway: a new TLCP handshake with the per-model
 * certificate for every enrollment, as a T-Box does it once in its life.</li>
 * </ol>
 * CSRs are made before each timed phase (the T-Box's key generation is not the service's cost).
 * Clients, gateway, service and PostgreSQL share the machine.
 */
public final class EnrollBench {

    private EnrollBench() {
    }

    /** What one phase measured. */
    record Phase(String name, int operations, int failures, double seconds, long[] latenciesNanos) {

        double perSecond() {
            return operations / seconds;
        }

        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return 0;
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results/enroll.md");
        int count = Integer.getInteger("bench.enrollments", 400);
        int threads = Integer.getInteger("bench.threads", 8);
        int warmup = Integer.getInteger("bench.warmup", 60);
        String load = loadAverage();

        // One access-log line per connection would measure the console, not the gateway.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.gmtls.proxy.access"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        EnrollmentEnvironment env = EnrollmentEnvironment.get();
        ConfigurableApplicationContext node = env.startNode("none",
                "--gmtls.enrollment.limits.per-address.rate=0", "--gmtls.enrollment.limits.per-address.burst=1",
                "--gmtls.enrollment.limits.per-credential.rate=0", "--gmtls.enrollment.limits.per-credential.burst=1",
                "--gmtls.db.pool-size=16");
        int servicePort = EnrollmentEnvironment.port(node);
        Path config = ThroughGatewayIT.writeGatewayConfig(env.dir, servicePort);
        Gateway gateway = Gateway.start(config);
        int gatewayPort = ThroughGatewayIT.listenerPort(gateway, "enroll");
        TlcpContext modelTlcp = TlcpContext.builder()
                .signing(env.model.signKey(), env.model.signChain())
                .encryption(env.model.encKey(), env.model.enc())
                .trustAnchors(env.pki.sm2Trust())
                .sessionCacheSize(0)
                .build();
        Actor actor = new Actor("bench", "operator");

        List<Phase> phases = new ArrayList<>();
        try {
            // Warm-up of every path (JIT, pools), not recorded.
            runPhase("warm-up", warmup, threads, prepare(env, warmup),
                    (prepared, i) -> env.ca.issueVehiclePair(new VehiclePairRequest(prepared.vins[i], prepared.csrs[i]),
                            actor) != null);
            runPhase("warm-up", warmup, threads, prepare(env, warmup), (prepared, i) -> direct(servicePort, prepared, i));
            runPhase("warm-up", warmup, threads, prepare(env, warmup),
                    (prepared, i) -> viaGateway(gatewayPort, modelTlcp, prepared, i));

            phases.add(runPhase("CA raw issuance (`issueVehiclePair`, in process)", count, threads, prepare(env, count),
                    (prepared, i) -> env.ca.issueVehiclePair(new VehiclePairRequest(prepared.vins[i], prepared.csrs[i]),
                            actor) != null));
            phases.add(runPhase("REST enroll, direct with PPv2 (no TLS)", count, threads, prepare(env, count),
                    (prepared, i) -> direct(servicePort, prepared, i)));
            phases.add(runPhase("REST enroll through the gateway, new TLCP handshake each", count, threads,
                    prepare(env, count), (prepared, i) -> viaGateway(gatewayPort, modelTlcp, prepared, i)));
            ThreadLocal<GatewayHttpClient> kept = new ThreadLocal<>();
            List<GatewayHttpClient> opened = java.util.Collections.synchronizedList(new ArrayList<>());
            try {
                phases.add(runPhase("REST enroll through the gateway, one kept-alive TLCP connection per client", count,
                        threads, prepare(env, count), (prepared, i) -> {
                            GatewayHttpClient client = kept.get();
                            if (client == null) {
                                client = GatewayHttpClient.connect(gatewayPort,
                                        () -> new SslHandler(modelTlcp.newClientEngine("localhost", gatewayPort)));
                                kept.set(client);
                                opened.add(client);
                            }
                            Ppv2Client.Response r = client.post("/api/v1/enroll", "application/json",
                                    Ppv2Client.JSON.writeValueAsBytes(EnrollmentRestIT.body(prepared.vins[i],
                                            prepared.csrs[i], null)));
                            return r.status() == 201;
                        }));
            } finally {
                opened.forEach(GatewayHttpClient::close);
            }
        } finally {
            gateway.shutdown(Duration.ofSeconds(1));
        }
        String md = report(phases, count, threads, load);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println(md);
        System.exit(0);
    }

    /** Registered VINs and their CSRs, made before the timed part. */
    record Prepared(String[] vins, byte[][] csrs) {
    }

    private static Prepared prepare(EnrollmentEnvironment env, int n) throws Exception {
        String[] vins = new String[n];
        byte[][] csrs = new byte[n][];
        for (int i = 0; i < n; i++) {
            vins[i] = env.newVin(MODEL);
            csrs[i] = Csrs.csr(Csrs.sm2(), vins[i]);
        }
        return new Prepared(vins, csrs);
    }

    private static boolean direct(int port, Prepared prepared, int i) throws Exception {
        Ppv2Client.Response r = Ppv2Client.postJson(port,
                Ppv2Client.facts("10.200." + (i % 250) + "." + (1 + i % 200), EnrollmentEnvironment.get().model.sign()),
                "/api/v1/enroll", EnrollmentRestIT.body(prepared.vins[i], prepared.csrs[i], null));
        return r.status() == 201;
    }

    private static boolean viaGateway(int port, TlcpContext context, Prepared prepared, int i) throws Exception {
        try (GatewayHttpClient client = GatewayHttpClient.connect(port,
                () -> new SslHandler(context.newClientEngine("localhost", port)))) {
            Ppv2Client.Response r = client.post("/api/v1/enroll", "application/json",
                    Ppv2Client.JSON.writeValueAsBytes(EnrollmentRestIT.body(prepared.vins[i], prepared.csrs[i], null)));
            return r.status() == 201;
        }
    }

    interface PreparedOperation {
        /** One enrollment of the {@code i}-th prepared request; true when it succeeded. */
        boolean run(Prepared prepared, int i) throws Exception;
    }

    private static Phase runPhase(String name, int n, int threads, Prepared prepared, PreparedOperation op)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long[] latencies = new long[n];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                        ok = op.run(prepared, i);
                    } catch (Exception e) {
                        ok = false;
                    }
                    latencies[i] = System.nanoTime() - t0;
                    if (!ok) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.err.printf(Locale.ROOT, "%s: %d in %.1f s, %d failed%n", name, n, seconds, failures.get());
        return new Phase(name, n - failures.get(), failures.get(), seconds, latencies);
    }

    private static String report(List<Phase> phases, int count, int threads, String load) {
        double baseline = phases.get(0).perSecond();
        StringBuilder md = new StringBuilder();
        md.append("# cert-enrollment benchmark\n\n")
                .append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version"))
                .append(", PostgreSQL 127.0.0.1 (a database made for the run). Produced by `bench/enroll-bench.sh` ")
                .append("(`io.gmtls.enrollment.EnrollBench`).\n\n")
                .append("One JVM holds the load clients, the gateway (gm-tls-proxy) and the enrollment service with its ")
                .append("in-process CA; PostgreSQL is another process on the same machine. Load average before the run: ")
                .append(load).append(" (the machine is shared with other jobs).\n\n")
                .append(count).append(" enrollments per phase (fresh registered VINs, CSRs made before timing), ")
                .append(threads).append(" concurrent clients, after a warm-up of every path. Each enrollment issues a ")
                .append("signing + encryption certificate pair (two SM2 signatures, an SM2 key pair, an SM2EnvelopedKey) ")
                .append("in one PostgreSQL transaction with its audit events.\n\n")
                .append("| phase | enrollments/s | vs CA raw issuance | p50 ms | p99 ms | failed |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (Phase p : phases) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.1f | %.1f | %d |%n", p.name(), p.perSecond(),
                    p.perSecond() / baseline, p.percentileMillis(50), p.percentileMillis(99), p.failures()));
        }
        md.append("\nHow to read it:\n\n")
                .append("- The baseline is the CA core alone: CSR check, two SM2 signatures, an SM2 key pair and its ")
                .append("envelope, and one transaction (certificate rows + audit event, serialised on the audit chain's ")
                .append("head row).\n")
                .append("- The direct phase adds the service itself: a TCP connection and PPv2 header per request, HTTP/JSON, ")
                .append("the RA's checks (CSR proof of possession again, certificate, model, VIN and switch lookups, the ")
                .append("retry lookup), the vehicle row lock, the retry record and its own audit event in the same ")
                .append("transaction, and the answer's PEM/JSON.\n")
                .append("- The end-to-end phase adds the T-Box's TLCP handshake with the per-model certificate (the gateway ")
                .append("verifies the client chain and SM2-decrypts the pre-master secret; the client verifies the gateway) ")
                .append("and the gateway's upstream connection, relay and PPv2 header. The kept-alive phase leaves the ")
                .append("handshake out: the difference between the two is the handshake's share. (It can come out above ")
                .append("the direct phase: that client opens a TCP connection per request and builds its PPv2 facts, ")
                .append("SM3 fingerprint included, each time.)\n")
                .append("- Everything shares 2 cores with other jobs: single runs vary by a few tens of percent; compare ")
                .append("the ratios within one run.\n");
        return md.toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().split(" ", 4)[0];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
