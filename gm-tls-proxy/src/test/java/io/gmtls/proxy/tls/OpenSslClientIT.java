package io.gmtls.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gmtls.crypto.pem.Pem;
import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.tlcp.RevocationChecker;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system's OpenSSL 3.0 {@code s_client} as an independent TLS 1.3 client (standard suites; it has no
 * RFC 8998 suites) with an ECDSA vehicle certificate, against the selector and the fastest standard engine.
 */
class OpenSslClientIT {

    @TempDir
    Path dir;

    @Test
    void opensslClientWithEcdsaCertificateCompletesMutualAuthAndGetsTheEcho() throws Exception {
        DevPki pki = DevPkiGenerator.write(dir.resolve("pki"), DevPkiOptions.defaults().withVehicles(1));
        Vehicle vehicle = pki.vehicles().get(0);
        Path pkiDir = dir.resolve("pki");
        Tls13ServerContexts contexts = Tls13ServerContexts
                .builder(Tls13ServerCredentials.of(TestPki.gatewayIdentity(pki)))
                .clientAuth(Tls13ClientAuth.of(ClientAuth.REQUIRE, pki.ecdsaTrust(), pki.sm2Trust(),
                        RevocationChecker.NONE))
                .build();
        // The PEM files certs-dev wrote are read back the way the gateway will read its configuration.
        assertThat(Pem.certificates(pkiDir.resolve("ecdsa/trust.pem"))).hasSize(2);
        assertThat(Pem.credential(pkiDir.resolve("ecdsa/vehicles/" + vehicle.vin() + ".crt"),
                pkiDir.resolve("ecdsa/vehicles/" + vehicle.vin() + ".key"), null).certificate())
                .isEqualTo(vehicle.ecdsa().certificate());

        try (EchoServer server = new EchoServer(contexts, true)) {
            Path output = dir.resolve("s_client.out");
            Process process = new ProcessBuilder("openssl", "s_client",
                    "-connect", "127.0.0.1:" + server.port(), "-servername", "localhost", "-tls1_3",
                    "-cert", pkiDir.resolve("ecdsa/vehicles/" + vehicle.vin() + ".crt").toString(),
                    "-key", pkiDir.resolve("ecdsa/vehicles/" + vehicle.vin() + ".key").toString(),
                    "-CAfile", pkiDir.resolve("ecdsa/trust.pem").toString(),
                    "-verify_return_error", "-verify_hostname", "localhost", "-quiet")
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            try {
                try (OutputStream stdin = process.getOutputStream()) {
                    stdin.write("hello-openssl\n".getBytes(StandardCharsets.US_ASCII));
                    stdin.flush();
                    // -quiet implies -ign_eof: s_client leaves when the server closes after the echo.
                    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("s_client finished").isTrue();
                }
            } finally {
                process.destroyForcibly();
            }
            String printed = Files.readString(output, StandardCharsets.ISO_8859_1);
            EchoServer.Observed seen = server.next();

            assertThat(printed).contains("hello-openssl");
            assertThat(seen.handshakeSucceeded()).as(printed).isTrue();
            assertThat(seen.protocol()).isEqualTo("TLSv1.3");
            assertThat(seen.selection()).isEqualTo(new Tls13Selection("localhost", contexts.standardProvider()
                    == io.netty.handler.ssl.SslProvider.JDK ? Tls13EngineKind.STANDARD_JDK
                    : Tls13EngineKind.STANDARD_OPENSSL));
            assertThat(seen.peerCertificates().get(0).getEncoded()).isEqualTo(vehicle.ecdsa().certificate().getEncoded());
            assertThat(List.copyOf(seen.exceptionsReachingTail())).isEmpty();
        }
    }
}
