package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.Vehicle;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.netty.handler.ssl.SslContext;

/** The upstream group is chosen by SNI; without a matching SNI the default group serves. */
class GatewayRoutingIT {

    @TempDir
    Path dir;

    @Test
    void sniRoutesToItsGroupOthersToTheDefault() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        try (PpEchoUpstream brokers = PpEchoUpstream.start(); PpEchoUpstream enrollment = PpEchoUpstream.start()) {
            GatewayFixture.Settings s = new GatewayFixture.Settings().upstreams(brokers.port());
            s.routeSni = "localhost";
            s.routePort = enrollment.port();
            Gateway gateway = Gateway.start(fixture.write(s));
            try {
                int port = gateway.listenerAddress("mqtt").getPort();
                Vehicle vehicle = fixture.vehicle(0);
                // The JDK sends no SNI for "localhost": default group.
                SslContext jdk = fixture.jdkClient(vehicle);
                try (TestClient c = TestClient.connect(port, () -> GatewayFixture.tlsHandler(jdk, port))) {
                    c.send("to-default");
                    c.awaitReceived("to-default", Duration.ofSeconds(10));
                }
                assertThat(brokers.nextFacts().authority()).isEmpty();

                // openssl sends SNI localhost: the routed group.
                Process process = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                        "-servername", "localhost", "-tls1_3",
                        "-cert", fixture.pkiDir.resolve("ecdsa/vehicles/" + vehicle.vin() + ".crt").toString(),
                        "-key", fixture.pkiDir.resolve("ecdsa/vehicles/" + vehicle.vin() + ".key").toString(),
                        "-CAfile", fixture.pkiDir.resolve("ecdsa/trust.pem").toString(), "-quiet")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("s_client.out").toFile()).start();
                try (OutputStream stdin = process.getOutputStream()) {
                    stdin.write("to-enrollment\n".getBytes(StandardCharsets.US_ASCII));
                    stdin.flush();
                    ConnectionFacts routed = enrollment.nextFacts();
                    assertThat(routed.authority()).contains("localhost");
                    assertThat(routed.commonName()).contains(vehicle.vin());
                } finally {
                    process.destroy();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                assertThat(brokers.pollFacts(Duration.ofMillis(100))).isNull();
            } finally {
                gateway.shutdown(Duration.ofMillis(200));
            }
        }
    }
}
