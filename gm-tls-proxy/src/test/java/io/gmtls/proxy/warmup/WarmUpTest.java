package io.gmtls.proxy.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.proxy.config.GatewayConfig;
import io.gmtls.proxy.config.LimitsConfig;
import io.gmtls.proxy.config.UpstreamGroupConfig;
import io.gmtls.proxy.listener.Transport;
import io.gmtls.proxy.revocation.RevocationService;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.tlcp.RevocationStatus;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.ssl.SslHandler;

/**
 * The warm-up's listener and driver over real loopback sockets: the kinds a listener set serves, a
 * failing connection ending the warm-up (reported, not thrown), a listener that cannot be set up.
 */
class WarmUpTest {

    private final Transport transport = Transport.choose(GatewayConfig.Transport.AUTO);
    private final WarmUp.Loops loops = new WarmUp.Loops(transport.newGroup(1), transport.newGroup(2), transport);

    @AfterEach
    void stop() {
        loops.boss().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        loops.workers().shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static WarmUpListener.Served tlcpOnly() {
        return new WarmUpListener.Served(List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3, TlcpCipherSuite.ECDHE_SM4_GCM_SM3),
                false, false, false,
                new LimitsConfig(100, 100, 0, 1, Duration.ofSeconds(10), Duration.ofSeconds(60), 100, 100, 0),
                new UpstreamGroupConfig.ProxyProtocolConfig(true, HeaderOptions.defaults()));
    }

    @Test
    void tlcpWithoutTicketsRunsFullPerKeyExchangeAndResumedByIdThroughTheSink() throws Exception {
        try (WarmUpListener listener = WarmUpListener.start(tlcpOnly(), loops)) {
            List<WarmUp.Kind> kinds = WarmUp.kinds(listener);
            assertThat(kinds).extracting(WarmUp.Kind::name).containsExactly("tlcp-ECC_SM4_GCM_SM3-full",
                    "tlcp-ECDHE_SM4_GCM_SM3-full", "tlcp-ECC_SM4_GCM_SM3-resumed-id");
            Map<String, Integer> byKind = new LinkedHashMap<>();
            AtomicInteger resumed = new AtomicInteger();
            boolean ok = WarmUp.drive(listener, kinds, 12, deadline(), byKind, resumed);
            assertThat(ok).isTrue();
            // A quarter (here: one of each kind) in turn, the rest resumed: the once-per-connection code needs the numbers.
            assertThat(byKind).containsExactlyInAnyOrderEntriesOf(Map.of("tlcp-ECC_SM4_GCM_SM3-full", 1,
                    "tlcp-ECDHE_SM4_GCM_SM3-full", 1, "tlcp-ECC_SM4_GCM_SM3-resumed-id", 10));
            assertThat(resumed.get()).as("resumed by ID but those started before a session existed (4 in flight)")
                    .isBetween(6, 9);
            assertThat(listener.sinkHeaders()).as("each connection's PPv2 header at the sink").isEqualTo(12);
            assertThat(listener.address().getAddress().isLoopbackAddress()).isTrue();
        }
    }

    /**
     * The warm-up's vehicles go through a CRL lookup as a fleet's do (CRLs of the throwaway CAs, loaded from
     * files like configured ones, removed with the listener), with a fleet's DN shape (C a PrintableString).
     */
    @Test
    void theWarmUpLooksItsVehiclesUpInCrlsOfItsOwnCasAndRemovesTheFilesAfterwards() throws Exception {
        Path directory;
        try (WarmUpListener listener = WarmUpListener.start(tlcpOnly(), loops)) {
            WarmUpPki pki = listener.pki();
            RevocationService revocation = listener.revocation();
            directory = listener.crlDirectory();
            assertThat(directory).isDirectory();
            for (byte[] der : List.of(pki.sm2Crl, pki.ecdsaCrl)) {
                X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                        .generateCRL(new ByteArrayInputStream(der));
                assertThat(crl.getRevokedCertificates()).hasSize(WarmUpPki.REVOKED_PER_CRL);
                for (X509CRLEntry entry : crl.getRevokedCertificates()) {
                    assertThat(revocation.status(crl.getIssuerX500Principal(), entry.getSerialNumber()))
                            .isEqualTo(RevocationStatus.REVOKED);
                }
            }
            for (CertificateCredential vehicle : List.of(pki.sm2ClientSign, pki.sm2ClientEnc, pki.ecdsaClient)) {
                assertThat(revocation.status(vehicle.chain())).isEqualTo(RevocationStatus.GOOD);
                X500Name subject = X500Name.getInstance(vehicle.certificate().getSubjectX500Principal().getEncoded());
                assertThat(subject.getRDNs(BCStyle.C)[0].getFirst().getValue()).isInstanceOf(DERPrintableString.class);
                assertThat(subject.getRDNs(BCStyle.CN)[0].getFirst().getValue()).isInstanceOf(DERUTF8String.class);
            }
            // The warm-up's connections still pass (their certificates are not on the CRLs).
            Map<String, Integer> byKind = new LinkedHashMap<>();
            assertThat(WarmUp.drive(listener, WarmUp.kinds(listener), 4, deadline(), byKind, new AtomicInteger()))
                    .isTrue();
        }
        assertThat(directory).doesNotExist();
    }

    /**
     * The JIT settles while connections keep running (an idle wait would let the methods the warm-up made
     * hot reach the compiler only with the first vehicles), one at a time, every kind in turn, and at most
     * as many as asked: a JIT still busy does not hold a small warm-up for its whole budget.
     */
    @Test
    void settlingRunsConnectionsOneAtATimeUpToItsBound() throws Exception {
        try (WarmUpListener listener = WarmUpListener.start(tlcpOnly(), loops)) {
            List<WarmUp.Kind> kinds = WarmUp.kinds(listener);
            Map<String, Integer> byKind = new LinkedHashMap<>();
            long start = System.nanoTime();
            WarmUp.settle(listener, kinds, 6, deadline(), byKind);
            int ran = byKind.values().stream().mapToInt(Integer::intValue).sum();
            // A JVM that has just loaded the warm-up's classes is still compiling: all 6 run, 2 of each kind.
            assertThat(ran).as(byKind.toString()).isEqualTo(6);
            assertThat(byKind).containsOnlyKeys("tlcp-ECC_SM4_GCM_SM3-full", "tlcp-ECDHE_SM4_GCM_SM3-full",
                    "tlcp-ECC_SM4_GCM_SM3-resumed-id").allSatisfy((kind, n) -> assertThat(n).isEqualTo(2));
            assertThat(listener.sinkHeaders()).isEqualTo(6);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void aFailingConnectionEndsTheWarmUpAndIsReportedNotThrown() throws Exception {
        try (WarmUpListener listener = WarmUpListener.start(tlcpOnly(), loops)) {
            // A client of another throwaway PKI: the warm-up listener trusts its own CA only.
            WarmUpPki stranger = WarmUpPki.create();
            TlcpContext client = TlcpContext.builder()
                    .signing(stranger.sm2ClientSign.privateKey(), stranger.sm2ClientSign.chain())
                    .encryption(stranger.sm2ClientEnc.privateKey(), stranger.sm2ClientEnc.certificate())
                    .trustAnchors(List.of(listener.pki().sm2Ca))
                    .cipherSuites(List.of(TlcpCipherSuite.ECC_SM4_GCM_SM3))
                    .allowNoHostname(true)
                    .build();
            WarmUp.Kind untrusted = new WarmUp.Kind("untrusted", false,
                    alloc -> new SslHandler(client.newClientEngine(null, -1)));
            Map<String, Integer> byKind = new LinkedHashMap<>();
            boolean ok = WarmUp.drive(listener, List.of(untrusted), 50, deadline(), byKind, new AtomicInteger());
            assertThat(ok).isFalse();
            assertThat(byKind).isEmpty();
            assertThat(listener.sinkHeaders()).isZero();
        }
    }

    @Test
    void aListenerThatCannotBeSetUpGivesAFailedResult() {
        // Event loops already shut down: the warm-up listener cannot bind; the gateway goes on cold.
        loops.boss().shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
        loops.workers().shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
        long start = System.nanoTime();
        WarmUp.Result result = WarmUp.run(tlcpOnly(), 100, deadline(), loops);
        assertThat(result.completed()).isFalse();
        assertThat(result.handshakes()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    }
}
