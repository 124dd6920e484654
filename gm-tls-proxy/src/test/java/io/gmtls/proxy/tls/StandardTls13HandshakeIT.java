package io.gmtls.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.tls.Rfc8998;
import io.gmtls.crypto.tls.StandardTls13ClientContexts;
import io.gmtls.certsdev.Vehicle;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Standard TLS 1.3 (ECDSA server and client certificates) over real sockets, with a JDK client, against
 * the selector on both standard engines: BoringSSL and the JDK fallback.
 */
class StandardTls13HandshakeIT {

    private static EchoServer server(SslProvider provider) throws Exception {
        Tls13ServerContexts contexts = Tls13ServerContexts
                .builder(Tls13ServerCredentials.of(TestPki.gatewayIdentity(TestPki.PKI)))
                .clientAuth(TestPki.clientAuth(ClientAuth.REQUIRE))
                .standardProvider(provider)
                .build();
        assertThat(contexts.standardProvider()).isEqualTo(provider);
        return new EchoServer(contexts, false);
    }

    /** Connects a JDK client, sends a line, returns the echo; throws what the JDK throws. */
    static String jdkExchange(int port, String host, CertificateCredential client, java.util.List<X509Certificate> trust,
            String message, X509Certificate[] serverChainSeen) throws Exception {
        SSLContext context = StandardTls13ClientContexts.jdk(client, trust);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(host)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            if (serverChainSeen != null) {
                serverChainSeen[0] = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            }
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            OutputStream out = socket.getOutputStream();
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] echo = in.readNBytes(message.length());
            return new String(echo, StandardCharsets.UTF_8);
        }
    }

    /**
     * The failure a refused client sees. In TLS 1.3 the client's handshake completes before the server has
     * checked the client certificate, so a client that writes first races the server's alert and close: its
     * write can meet the reset ("Broken pipe") and the alert is lost. Reading first waits for the alert
     * itself (session tickets are read past); a server that does not refuse leaves the read to time out.
     */
    static Throwable refusal(int port, String host, CertificateCredential client, java.util.List<X509Certificate> trust) {
        return catchThrowable(() -> {
            SSLContext context = StandardTls13ClientContexts.jdk(client, trust);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(host)));
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                int read = socket.getInputStream().read();
                throw new AssertionError("not refused: read returned " + read);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void mutualAuthenticationWithEcdsaCertificates(SslProvider provider) throws Exception {
        Vehicle vehicle = TestPki.PKI.vehicles().get(0);
        try (EchoServer server = server(provider)) {
            X509Certificate[] serverCertificate = new X509Certificate[1];
            String echo = jdkExchange(server.port(), "localhost", TestPki.credential(vehicle.ecdsa()),
                    TestPki.PKI.ecdsaTrust(), "hello over TLS 1.3", serverCertificate);
            EchoServer.Observed seen = server.next();

            assertThat(echo).isEqualTo("hello over TLS 1.3");
            assertThat(serverCertificate[0]).isEqualTo(TestPki.PKI.ecdsaGateway().certificate());
            assertThat(seen.handshakeSucceeded()).isTrue();
            assertThat(seen.protocol()).isEqualTo("TLSv1.3");
            assertThat(seen.selection().engine()).isEqualTo(
                    provider == SslProvider.JDK ? Tls13EngineKind.STANDARD_JDK : Tls13EngineKind.STANDARD_OPENSSL);
            assertThat(seen.selection().serverName()).isEqualTo("localhost");
            assertThat(seen.peerCertificates()).isNotEmpty();
            assertThat(seen.peerCertificates().get(0).getEncoded())
                    .isEqualTo(vehicle.ecdsa().certificate().getEncoded());
            assertThat(seen.exceptionsReachingTail()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void unknownCaClientIsRefused(SslProvider provider) throws Exception {
        Vehicle stranger = TestPki.FOREIGN.vehicles().get(0);
        try (EchoServer server = server(provider)) {
            Throwable failure = refusal(server.port(), "localhost",
                    TestPki.credential(stranger.ecdsa()), TestPki.PKI.ecdsaTrust());
            EchoServer.Observed seen = server.next();

            assertThat(failure).isNotNull();
            // BoringSSL sends the precise alert; the JDK engine sends certificate_unknown for every refusal.
            assertThat(failure.getMessage()).contains(provider == SslProvider.JDK ? "certificate_unknown" : "unknown_ca");
            assertThat(seen.handshakeSucceeded()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL"})
    void revokedAndMissingClientCertificatesAreRefused(SslProvider provider) throws Exception {
        try (EchoServer server = server(provider)) {
            Throwable revoked = refusal(server.port(), "localhost",
                    TestPki.credential(TestPki.PKI.revokedVehicle().ecdsa()), TestPki.PKI.ecdsaTrust());
            server.next();
            Throwable missing = refusal(server.port(), "localhost", null, TestPki.PKI.ecdsaTrust());
            server.next();

            assertThat(revoked).hasMessageContaining("certificate_revoked");
            assertThat(missing).isNotNull();
        }
    }

    /**
     * The configured suites are the only ones served. BoringSSL serves every TLS 1.3 suite whatever it is
     * told, so a restricted list picks the JDK engine when none was forced, and is refused with BoringSSL.
     */
    @Test
    void onlyTheConfiguredCipherSuitesAreServed() throws Exception {
        java.util.List<String> suites = java.util.List.of("TLS_AES_256_GCM_SHA384", Rfc8998.CIPHER_SUITE_NAME);
        Tls13ServerContexts contexts = Tls13ServerContexts
                .builder(Tls13ServerCredentials.of(TestPki.gatewayIdentity(TestPki.PKI)))
                .clientAuth(TestPki.clientAuth(ClientAuth.REQUIRE))
                .cipherSuites(suites)
                .build();
        assertThat(contexts.standardProvider()).isEqualTo(SslProvider.JDK);
        if (Tls13ServerContexts.isBoringSsl()) {
            assertThat(catchThrowable(() -> Tls13ServerContexts
                    .builder(Tls13ServerCredentials.of(TestPki.gatewayIdentity(TestPki.PKI)))
                    .standardProvider(SslProvider.OPENSSL).cipherSuites(suites).build()))
                    .hasMessageContaining("BoringSSL cannot restrict");
        }
        Vehicle vehicle = TestPki.PKI.vehicles().get(0);
        try (EchoServer server = new EchoServer(contexts, false)) {
            assertThat(suiteNegotiated(server.port(), vehicle, "TLS_AES_256_GCM_SHA384")).isEqualTo("TLS_AES_256_GCM_SHA384");
            server.next();
            Throwable refused = catchThrowable(() -> suiteNegotiated(server.port(), vehicle, "TLS_AES_128_GCM_SHA256"));
            assertThat(refused).isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    private static String suiteNegotiated(int port, Vehicle vehicle, String suite) throws Exception {
        SSLContext context = StandardTls13ClientContexts.jdk(TestPki.credential(vehicle.ecdsa()), TestPki.PKI.ecdsaTrust());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setEnabledCipherSuites(new String[] {suite});
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("localhost")));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }
}
