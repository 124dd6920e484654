package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar, as an operator starts it. */
class GatewayMainIT {

    @TempDir
    Path dir;

    @Test
    void aBadConfigurationPrintsOneClearErrorAndExitsNonZero() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        Path config = fixture.write(new GatewayFixture.Settings().upstreams(1883));
        Files.writeString(config, Files.readString(config).replace("pki/sm2/gateway-sign-chain.pem", "pki/sm2/missing.crt"));
        Path jar = Path.of("target/gm-tls-proxy.jar").toAbsolutePath();
        assertThat(jar).exists();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", config.toString())
                .redirectErrorStream(false).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(GatewayMain.EXIT_CONFIG);
        assertThat(stderr.strip().lines().count()).as(stderr).isEqualTo(1);
        assertThat(stderr).contains(config + ": listeners[0].tlcp.sign-cert: file "
                + dir.resolve("pki/sm2/missing.crt") + " not found");
    }

    @Test
    void checkValidatesCertificatesAndKeysWithoutBinding() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        Path config = fixture.write(new GatewayFixture.Settings().upstreams(1883));
        // A key of the wrong pair: structurally fine, caught only when the TLCP context is built.
        Files.copy(fixture.pkiDir.resolve("sm2/gateway-enc.key"), fixture.pkiDir.resolve("sm2/gateway-sign.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path jar = Path.of("target/gm-tls-proxy.jar").toAbsolutePath();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", config.toString(), "--check").start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(stderr).isEqualTo(GatewayMain.EXIT_CONFIG);
        assertThat(stderr).contains(config + ": listeners[0].tlcp");
    }
}
