package io.gmtls.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.tls.Rfc8998;
import java.util.List;
import java.util.Map;

import io.gmtls.tlcp.RevocationChecker;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Tls13ServerContextsTest {

    private static final List<Integer> TLS13 = List.of(Rfc8998.TLS13_VERSION);
    private static Tls13ServerContexts contexts;

    @BeforeAll
    static void build() throws Exception {
        Tls13ServerCredentials credentials = new Tls13ServerCredentials(TestPki.gatewayIdentity(TestPki.PKI), Map.of(
                "std.example", ServerIdentity.standardOnly(TestPki.credential(TestPki.PKI.ecdsaGateway())),
                "*.sm.example", ServerIdentity.sm2Only(TestPki.credential(TestPki.PKI.gatewaySm2Tls()))));
        contexts = Tls13ServerContexts.builder(credentials).standardProvider(SslProvider.JDK).build();
    }

    private static ClientHelloSummary hello(String sni, List<Integer> suites, List<Integer> groups,
            List<Integer> signatures) {
        return new ClientHelloSummary(sni, suites, groups, signatures, TLS13);
    }

    private static final ClientHelloSummary SM = hello("x.example", List.of(0x00C6, 0x1301), List.of(41, 29),
            List.of(0x0708, 0x0403));

    @Test
    void smEngineWhenTheWholeProfileIsOfferedAndAnSm2CredentialExists() {
        assertThat(contexts.select(SM).engine()).isEqualTo(Tls13EngineKind.SM2_BOUNCYCASTLE);
        assertThat(contexts.select(hello("std.example", SM.cipherSuites(), SM.supportedGroups(),
                SM.signatureAlgorithms())).engine()).isEqualTo(Tls13EngineKind.STANDARD_JDK);
    }

    @Test
    void standardEngineWhenPartOfTheProfileIsMissing() {
        assertThat(contexts.select(hello(null, List.of(0x00C6, 0x1301), List.of(29), List.of(0x0708, 0x0403)))
                .engine()).isEqualTo(Tls13EngineKind.STANDARD_JDK);
        assertThat(contexts.select(hello(null, List.of(0x00C6, 0x1301), List.of(41), List.of(0x0403)))
                .engine()).isEqualTo(Tls13EngineKind.STANDARD_JDK);
        assertThat(contexts.select(hello(null, List.of(0x1301), List.of(41), List.of(0x0708)))
                .engine()).isEqualTo(Tls13EngineKind.STANDARD_JDK);
    }

    @Test
    void sm2OnlyIdentityAlwaysGetsTheSmEngineWhichThenRefusesWithAnAlert() {
        assertThat(contexts.select(hello("car.sm.example", List.of(0x1301), List.of(29), List.of(0x0403))))
                .isEqualTo(new Tls13Selection("car.sm.example", Tls13EngineKind.SM2_BOUNCYCASTLE));
    }

    @Test
    void misconfigurationsFailAtStartup() {
        ServerIdentity identity = TestPki.gatewayIdentity(TestPki.PKI);
        assertThatThrownBy(() -> Tls13ServerContexts.builder(Tls13ServerCredentials.of(identity))
                .clientAuth(Tls13ClientAuth.of(ClientAuth.REQUIRE, TestPki.PKI.ecdsaTrust(), List.of(),
                        RevocationChecker.NONE))
                .build()).hasMessageContaining("SM2 client trust bundle");
        assertThatThrownBy(() -> new ServerIdentity(TestPki.credential(TestPki.PKI.gatewaySm2Tls()), null))
                .isInstanceOf(IllegalArgumentException.class);
        CertificateCredential mismatched = new CertificateCredential(TestPki.PKI.ecdsaRoot().privateKey(),
                TestPki.PKI.ecdsaGateway().chain());
        assertThatThrownBy(() -> Tls13ServerContexts.builder(
                Tls13ServerCredentials.of(ServerIdentity.standardOnly(mismatched))).build())
                .hasMessageContaining("does not belong");
        assertThatThrownBy(() -> new Tls13ServerCredentials(identity, Map.of("a.example", identity, "A.EXAMPLE", identity)))
                .hasMessageContaining("twice");
    }

    @Test
    void cipherSuiteListsAreValidatedAndLeavingTheSmSuiteOutTurnsTheSmEngineOff() throws Exception {
        ServerIdentity identity = TestPki.gatewayIdentity(TestPki.PKI);
        var builder = Tls13ServerContexts.builder(Tls13ServerCredentials.of(ServerIdentity.standardOnly(identity.standard())))
                .standardProvider(SslProvider.JDK);
        assertThatThrownBy(() -> builder.cipherSuites(List.of("TLS_RSA_WITH_RC4_128_MD5")))
                .hasMessageContaining("unknown TLS 1.3 cipher suite 'TLS_RSA_WITH_RC4_128_MD5'");
        assertThatThrownBy(() -> builder.cipherSuites(List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> builder.cipherSuites(List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256")))
                .hasMessageContaining("twice");
        Tls13ServerContexts standardOnly = builder.cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).build();
        assertThat(standardOnly.select(SM).engine()).isEqualTo(Tls13EngineKind.STANDARD_JDK);
        assertThatThrownBy(() -> Tls13ServerContexts.builder(Tls13ServerCredentials.of(identity))
                .standardProvider(SslProvider.JDK).cipherSuites(List.of("TLS_AES_128_GCM_SHA256")).build())
                .hasMessageContaining("SM2 certificate is configured but TLS_SM4_GCM_SM3 is not enabled");
        assertThatThrownBy(() -> Tls13ServerContexts.builder(Tls13ServerCredentials.of(identity))
                .standardProvider(SslProvider.JDK).cipherSuites(List.of("TLS_SM4_GCM_SM3")).build())
                .hasMessageContaining("no standard TLS 1.3 cipher suite is enabled");
    }

    @Test
    void credentialsNeverShowTheKey() {
        CertificateCredential credential = TestPki.credential(TestPki.PKI.gatewaySm2Tls());
        assertThat(credential.toString()).doesNotContain(credential.privateKey().toString())
                .contains("SM2");
    }
}
