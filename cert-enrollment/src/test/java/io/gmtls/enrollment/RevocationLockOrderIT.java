package io.gmtls.enrollment;

import io.gmtls.testsupport.Ppv2Client;
import static io.gmtls.enrollment.EnrollmentEnvironment.ADMIN;
import static io.gmtls.enrollment.EnrollmentEnvironment.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.enrollment.EnrollmentApplication.EnrollmentStores;
import io.gmtls.enrollment.service.SupersedeJob;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.CertificateStatus;
import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.VehicleCredentials;
import io.gmtls.pki.core.VehiclePairRequest;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 14: revocations inside an outer transaction (a renewal with overlap 0, the supersede
 * job) ran at the same time as an operator's revocations. Before the fix the outer transaction
 * republished the CRL inside itself ({@code LOCK TABLE revocation IN SHARE MODE} while holding the
 * audit head row) and PostgreSQL broke the lock cycle by aborting one side: {@code deadlock detected},
 * an operator's keyCompromise revocation lost. Every revocation must commit, and the CRL published
 * afterwards must list every one of them.
 */
class RevocationLockOrderIT {

    private static final Actor OPERATOR = new Actor("it-operator", "operator");
    private static final int RENEWALS = 10;
    private static final int JOB_VEHICLES = 10;
    private static final int OPERATOR_VEHICLES = 20;

    private static EnrollmentEnvironment env;

    @BeforeAll
    static void start() throws Exception {
        env = EnrollmentEnvironment.get();
    }

    private record Pair(String vin, IssuedCertificate sign, IssuedCertificate enc) {
    }

    private static Pair issue() throws Exception {
        String vin = env.newVin(MODEL);
        VehicleCredentials c = env.ca.issueVehiclePair(new VehiclePairRequest(vin, Csrs.csr(Csrs.sm2(), vin)), ADMIN);
        return new Pair(vin, c.signing(), c.encryption());
    }

    @Test
    void concurrentRenewalSupersedeAndOperatorRevocationsAllCommitWithoutDeadlock() throws Exception {
        List<Pair> renewed = new ArrayList<>();
        List<Pair> superseded = new ArrayList<>();
        List<Pair> operator = new ArrayList<>();
        for (int i = 0; i < RENEWALS; i++) {
            renewed.add(issue());
        }
        for (int i = 0; i < JOB_VEHICLES; i++) {
            superseded.add(issue());
        }
        for (int i = 0; i < OPERATOR_VEHICLES; i++) {
            operator.add(issue());
        }
        EnrollmentStores stores = env.node.getBean(EnrollmentStores.class);
        SupersedeJob job = env.node.getBean(SupersedeJob.class);
        Instant due = Instant.now().minusSeconds(1);
        for (Pair p : superseded) {
            stores.superseded().schedule(p.sign().serial(), p.vin(), "it", due);
            stores.superseded().schedule(p.enc().serial(), p.vin(), "it", due);
        }

        Map<String, RevocationReason> expected = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        // Operators: three threads revoking both certificates of their vehicles for key compromise.
        ConcurrentLinkedQueue<IssuedCertificate> operatorTargets = new ConcurrentLinkedQueue<>();
        for (Pair p : operator) {
            operatorTargets.add(p.sign());
            operatorTargets.add(p.enc());
        }
        for (int t = 0; t < 3; t++) {
            work.add(pool.submit(() -> {
                await(go);
                IssuedCertificate c;
                while ((c = operatorTargets.poll()) != null) {
                    try {
                        env.ca.revoke(c.serial(), RevocationReason.KEY_COMPROMISE, OPERATOR);
                        expected.put(c.serial(), RevocationReason.KEY_COMPROMISE);
                    } catch (RuntimeException e) {
                        failures.add("operator revocation of " + c.serial() + ": " + describe(e));
                    }
                }
            }));
        }
        // Renewals over HTTP with overlap 0: the old pair is revoked in the renewal's transaction.
        ConcurrentLinkedQueue<Pair> renewTargets = new ConcurrentLinkedQueue<>(renewed);
        for (int t = 0; t < 3; t++) {
            work.add(pool.submit(() -> {
                await(go);
                Pair p;
                while ((p = renewTargets.poll()) != null) {
                    try {
                        X509Certificate current = Csrs.certificate(p.sign().der());
                        Ppv2Client.Response r = Ppv2Client.postJson(env.port, Ppv2Client.facts("10.9.0.1", current),
                                "/api/v1/renew", EnrollmentRestIT.body(p.vin(), Csrs.csr(Csrs.sm2(), p.vin()), null));
                        if (r.status() != 201) {
                            failures.add("renewal of " + p.vin() + ": " + r);
                        }
                    } catch (Exception e) {
                        failures.add("renewal of " + p.vin() + ": " + describe(e));
                    }
                }
            }));
        }
        // The supersede job on two threads (two nodes), each revoking in its own outer transaction.
        AtomicInteger jobRevoked = new AtomicInteger();
        for (int t = 0; t < 2; t++) {
            work.add(pool.submit(() -> {
                await(go);
                for (int round = 0; round < 50 && jobRevoked.get() < 2 * JOB_VEHICLES; round++) {
                    try {
                        jobRevoked.addAndGet(job.runOnce());
                    } catch (RuntimeException e) {
                        failures.add("supersede job: " + describe(e));
                    }
                }
            }));
        }
        go.countDown();
        for (Future<?> f : work) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        for (Pair p : renewed) {
            expected.put(p.sign().serial(), RevocationReason.SUPERSEDED);
            expected.put(p.enc().serial(), RevocationReason.SUPERSEDED);
        }
        for (Pair p : superseded) {
            expected.put(p.sign().serial(), RevocationReason.SUPERSEDED);
            expected.put(p.enc().serial(), RevocationReason.SUPERSEDED);
        }

        assertThat(failures).as("no deadlock, no lost revocation, no failed renewal").isEmpty();
        assertThat(expected).hasSize(2 * (RENEWALS + JOB_VEHICLES + OPERATOR_VEHICLES));
        for (Map.Entry<String, RevocationReason> e : expected.entrySet()) {
            IssuedCertificate stored = env.ca.find(e.getKey()).orElseThrow();
            assertThat(stored.status()).as(e.getKey()).isEqualTo(CertificateStatus.REVOKED);
            assertThat(stored.revocationReason()).as(e.getKey()).isEqualTo(e.getValue());
        }
        // Published after each commit: the newest full CRL lists every revocation.
        X509CRL crl = latestFullCrl(renewed.get(0).sign().caName());
        List<String> missing = new ArrayList<>();
        for (String serial : expected.keySet()) {
            if (crl.getRevokedCertificate(new BigInteger(serial, 16)) == null) {
                missing.add(serial);
            }
        }
        assertThat(missing).as("revocations missing from the newest full CRL").isEmpty();
    }

    private static X509CRL latestFullCrl(String caName) throws Exception {
        try (Connection c = env.db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT der FROM crl WHERE ca_name = ? AND NOT delta ORDER BY number DESC LIMIT 1")) {
            ps.setString(1, caName);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return (X509CRL) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCRL(new java.io.ByteArrayInputStream(rs.getBytes(1)));
            }
        }
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null && s.length() < 600; t = t.getCause()) {
            s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
        }
        return s.toString();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
