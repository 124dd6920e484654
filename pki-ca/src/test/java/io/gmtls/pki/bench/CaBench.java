package io.gmtls.pki.bench;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.TestSupport.TestDatabase;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.VehiclePairRequest;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.service.PkiCaApplication;
import io.gmtls.pki.web.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The pki-ca benchmark (run by bench/ca-bench.sh, not by the test run). Baselines in the same run:
 * raw SM2 signatures per second against dual-certificate issuances per second; authn requests
 * against a trivial endpoint of the same server, with wrk at 64 connections.
 */
public final class CaBench {

    private static final String BROKER_KEY = "bench-broker-key";
    private static final String MODEL = "BENCH01";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results/ca.md");
        int issuances = Integer.getInteger("bench.issuances", 3000);
        int threads = Integer.getInteger("bench.threads", 8);
        String duration = System.getProperty("bench.duration", "10s");
        StringBuilder md = new StringBuilder();
        md.append("# pki-ca benchmark\n\n")
                .append("Run ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(", PostgreSQL on 127.0.0.1 (a database made for the run).\n")
                .append("Produced by `bench/ca-bench.sh` (`io.gmtls.pki.bench.CaBench`); load client, server and database share the machine.\n\n");

        md.append("Load average before the run: ").append(loadAverage())
                .append(" (the machine is shared: other jobs compete for the same 2 cores).\n\n");
        try (TestDatabase db = new TestDatabase()) {
            Path keys = Files.createTempDirectory("pki-bench-keys");
            ConfigurableApplicationContext cached = node(db, keys, "generate", "60s");
            ConfigurableApplicationContext uncached = node(db, keys, "none", "0s");
            try {
                // ---------------------------------------------------------------- issuance
                VehicleDirectory vehicles = cached.getBean(VehicleDirectory.class);
                vehicles.addModel(new VehicleModel(MODEL, "bench", false), new Actor("bench", "bench"));
                List<String> vins = new ArrayList<>();
                for (int i = 0; i < issuances + 200; i++) {
                    vins.add(String.format(Locale.ROOT, "LBNCH%012d", i));
                }
                vehicles.addVehicles(vins.stream().map(v -> new Vehicle(v, MODEL)).toList(), new Actor("bench", "bench"));
                System.out.println("preparing " + issuances + " CSRs ...");
                List<byte[]> csrs = new ArrayList<>();
                for (int i = 0; i < issuances; i++) {
                    csrs.add(TestSupport.csr(TestSupport.sm2(), vins.get(i)));
                }
                double sm2PerSecond = rawSm2Signatures(Runtime.getRuntime().availableProcessors(), 3_000);
                CertificateAuthority ca = cached.getBean(CertificateAuthority.class);
                // warm-up on 200 spare vehicles
                issue(ca, vins.subList(issuances, issuances + 200), null, threads);
                long t0 = System.nanoTime();
                issue(ca, vins.subList(0, issuances), csrs, threads);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double pairsPerSecond = issuances / seconds;
                md.append("## Dual-certificate issuance (in-process `CertificateAuthority.issueVehiclePair`)\n\n")
                        .append("Each issuance: verify the CSR (SM2), sign two certificates (SM2), generate the encryption key pair, ")
                        .append("seal it in an `SM2EnvelopedKey` (SM2 encryption), one transaction (2 certificate rows + audit event), commit.\n\n")
                        .append("| measurement | result |\n|---|---|\n")
                        .append(String.format(Locale.ROOT, "| baseline: raw SM2 signatures/s (JCA SM3withSM2, %d threads) | %.0f |%n",
                                Runtime.getRuntime().availableProcessors(), sm2PerSecond))
                        .append(String.format(Locale.ROOT, "| dual-certificate issuances/s (%d issuances, %d threads) | %.0f |%n",
                                issuances, threads, pairsPerSecond))
                        .append(String.format(Locale.ROOT, "| ratio: issuances per raw signature | %.3f (an issuance costs ~%.1f raw signatures) |%n",
                                pairsPerSecond / sm2PerSecond, sm2PerSecond / pairsPerSecond))
                        .append(String.format(Locale.ROOT, "| target ≥ 300/s | %s |%n%n", pairsPerSecond >= 300 ? "met" : "missed"))
                        .append(breakdown());

                // ---------------------------------------------------------------- authn
                int portCached = port(cached);
                int portUncached = port(uncached);
                Path lua = Files.createTempDirectory("pki-bench-lua");
                String body = authnBody(vins.get(0));
                Files.writeString(lua.resolve("cached.lua"), "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
                        + "wrk.headers[\"X-API-Key\"] = \"" + BROKER_KEY + "\"\nwrk.body = '" + body + "'\n");
                StringBuilder uncachedLua = new StringBuilder("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
                        + "wrk.headers[\"X-API-Key\"] = \"" + BROKER_KEY + "\"\nlocal vins = {");
                for (int i = 0; i < 1000; i++) {
                    uncachedLua.append(i == 0 ? "" : ",").append('"').append(vins.get(i)).append('"');
                }
                uncachedLua.append("}\nrequest = function()\n  local v = vins[math.random(#vins)]\n"
                        + "  local b = '{\"clientid\":\"' .. v .. '\",\"username\":\"\",\"password\":\"\",\"peerhost\":\"10.0.0.1\",\"cert_common_name\":\"' .. v .. '\",\"cert_subject\":\"C=CN,O=GM TLS,OU=T-Box,CN=' .. v .. '\"}'\n"
                        + "  return wrk.format(nil, nil, nil, b)\nend\n");
                Files.writeString(lua.resolve("uncached.lua"), uncachedLua.toString());

                md.append("## Broker authn (`POST /api/v1/broker/authn`, EMQX 5 body) with wrk, 64 connections, 2 threads, ")
                        .append(duration).append(" each\n\n")
                        .append("Uncached: a second node on the same database with `gmtls.broker.cache-ttl=0s`, random VIN of 1,000 enrolled ones per request ")
                        .append("(each request reads the certificate, vehicle rows).\n\n")
                        .append("| endpoint | requests/s | p50 | p99 | ratio to baseline |\n|---|---|---|---|---|\n");
                wrk("http://127.0.0.1:" + portCached + "/api/v1/broker/ping", null, "2s"); // warm-up
                wrk("http://127.0.0.1:" + portCached + "/api/v1/broker/authn", lua.resolve("cached.lua"), "3s");
                wrk("http://127.0.0.1:" + portUncached + "/api/v1/broker/authn", lua.resolve("uncached.lua"), "3s");
                WrkResult ping = wrk("http://127.0.0.1:" + portCached + "/api/v1/broker/ping", null, duration);
                WrkResult hot = wrk("http://127.0.0.1:" + portCached + "/api/v1/broker/authn", lua.resolve("cached.lua"), duration);
                WrkResult pingB = wrk("http://127.0.0.1:" + portUncached + "/api/v1/broker/ping", null, duration);
                WrkResult cold = wrk("http://127.0.0.1:" + portUncached + "/api/v1/broker/authn", lua.resolve("uncached.lua"), duration);
                md.append(row("baseline: GET /api/v1/broker/ping (node 1)", ping, ping))
                        .append(row("authn, cached (node 1)", hot, ping))
                        .append(row("baseline: GET /api/v1/broker/ping (node 2)", pingB, pingB))
                        .append(row("authn, uncached (node 2, cache off)", cold, pingB))
                        .append(String.format(Locale.ROOT, "%nTarget ≥ 10,000 cached authn/s with p99 ≤ 10 ms: %s (%.0f/s, p99 %s).%n",
                                hot.rps() >= 10_000 && hot.p99Millis() <= 10 ? "met" : "missed", hot.rps(), hot.p99()));
                if (hot.errors() + cold.errors() > 0) {
                    md.append("\nNon-2xx or socket errors: cached ").append(hot.errors()).append(", uncached ").append(cold.errors()).append(".\n");
                }
            } finally {
                uncached.close();
                cached.close();
            }
        }
        md.append("\nLoad average after the run: ").append(loadAverage()).append(".\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
        System.exit(0);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " / " + f[1] + " / " + f[2] + " (1/5/15 min)";
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static ConfigurableApplicationContext node(TestDatabase db, Path keys, String bootstrap, String ttl) {
        return PkiCaApplication.start("--server.port=0", "--logging.level.root=WARN", "--spring.main.banner-mode=off",
                "--gmtls.db.mode=external", "--gmtls.db.url=" + db.url(), "--gmtls.db.pool-size=16",
                "--gmtls.ca.key-dir=" + keys, "--gmtls.ca.key-passphrase=bench", "--gmtls.ca.bootstrap.mode=" + bootstrap,
                "--gmtls.broker.cache-ttl=" + ttl,
                "--gmtls.api-keys[0].name=bench", "--gmtls.api-keys[0].role=broker",
                "--gmtls.api-keys[0].sm3=" + ApiKeys.hash(BROKER_KEY));
    }

    private static int port(ConfigurableApplicationContext ctx) {
        return ((WebServerApplicationContext) ctx).getWebServer().getPort();
    }

    private static String authnBody(String vin) {
        return "{\"clientid\":\"" + vin + "\",\"username\":\"\",\"password\":\"\",\"peerhost\":\"10.0.0.1\","
                + "\"cert_common_name\":\"" + vin + "\",\"cert_subject\":\"C=CN,O=GM TLS,OU=T-Box,CN=" + vin + "\"}";
    }

    private static void issue(CertificateAuthority ca, List<String> vins, List<byte[]> csrs, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < vins.size(); i++) {
                String vin = vins.get(i);
                byte[] csr = csrs == null ? TestSupport.csr(TestSupport.sm2(), vin) : csrs.get(i);
                futures.add(pool.submit(() -> ca.issueVehiclePair(new VehiclePairRequest(vin, csr), new Actor("bench", "bench"))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    /** Single-thread cost of each cryptographic step of an issuance, in microseconds. */
    private static String breakdown() throws Exception {
        int n = 200;
        KeyPair k = TestSupport.sm2();
        byte[] csr = TestSupport.csr(k, "LBNCH000000000001");
        KeyPair enc = TestSupport.sm2();
        Signature s = Signature.getInstance("SM3withSM2", GmCrypto.provider());
        byte[] m = new byte[300];
        double[] us = new double[4];
        for (int round = 0; round < 2; round++) { // the first round warms up
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                io.gmtls.pki.core.crypto.CertificateRequests.verify(csr);
            }
            us[0] = (System.nanoTime() - t) / 1e3 / n;
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                enc = TestSupport.sm2();
            }
            us[1] = (System.nanoTime() - t) / 1e3 / n;
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                io.gmtls.pki.core.crypto.Sm2EnvelopedKey.seal(enc, k.getPublic(), TestSupport.RANDOM).encoded();
            }
            us[2] = (System.nanoTime() - t) / 1e3 / n;
            t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                s.initSign(k.getPrivate());
                s.update(m);
                s.sign();
            }
            us[3] = (System.nanoTime() - t) / 1e3 / n;
        }
        return String.format(Locale.ROOT, "Single-thread cost of the steps (µs): CSR verification %.0f, SM2 key generation %.0f, "
                + "SM2EnvelopedKey seal %.0f (BouncyCastle `SM2Engine`: variable-base point multiplications), "
                + "one SM2 signature %.0f. One issuance = verify + keygen + seal + 2 signatures = %.0f µs of crypto, "
                + "i.e. %.1f signatures' worth, before certificate encoding and the database.%n%n",
                us[0], us[1], us[2], us[3], us[0] + us[1] + us[2] + 2 * us[3], (us[0] + us[1] + us[2] + 2 * us[3]) / us[3]);
    }

    private static double rawSm2Signatures(int threads, long millis) throws Exception {
        KeyPair key = TestSupport.sm2();
        byte[] message = new byte[300];
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + millis * 1_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger started = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                started.incrementAndGet();
                Signature s = Signature.getInstance("SM3withSM2", GmCrypto.provider());
                while (System.nanoTime() < end) {
                    s.initSign(key.getPrivate());
                    s.update(message);
                    s.sign();
                    count.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return count.get() / ((System.nanoTime() - t0) / 1e9);
    }

    record WrkResult(double rps, String p50, String p99, double p99Millis, long errors) {
    }

    private static String row(String name, WrkResult r, WrkResult baseline) {
        return String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %.2f |%n", name, r.rps(), r.p50(), r.p99(), r.rps() / baseline.rps());
    }

    private static WrkResult wrk(String url, Path script, String duration) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t2", "-c64", "-d" + duration, "--latency", "--timeout", "5s"));
        if (script != null) {
            cmd.add("-s");
            cmd.add(script.toString());
        } else {
            cmd.add("-H");
            cmd.add("Connection: keep-alive");
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        System.out.println(String.join(" ", cmd) + "\n" + output);
        double rps = Double.parseDouble(find(output, "Requests/sec:\\s+([0-9.]+)"));
        String p50 = find(output, "\\s50%\\s+(\\S+)");
        String p99 = find(output, "\\s99%\\s+(\\S+)");
        String non2xx = findOr(output, "Non-2xx or 3xx responses: (\\d+)", "0");
        return new WrkResult(rps, p50, p99, millis(p99), Long.parseLong(non2xx));
    }

    private static double millis(String wrkTime) {
        Matcher m = Pattern.compile("([0-9.]+)(us|ms|s)").matcher(wrkTime);
        if (!m.matches()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            default -> v * 1000;
        };
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("wrk output has no " + regex + ":\n" + text);
        }
        return m.group(1);
    }

    private static String findOr(String text, String regex, String otherwise) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : otherwise;
    }
}
