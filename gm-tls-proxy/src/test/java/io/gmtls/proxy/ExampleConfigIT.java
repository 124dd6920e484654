package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.proxy.config.ConfigLoader;
import io.gmtls.proxy.config.GatewayConfig;

/** {@code config/example.yaml} works with what certs-dev writes, laid out as the example's comments say. */
class ExampleConfigIT {

    @TempDir
    Path root;

    @Test
    void exampleConfigurationValidatesAgainstTheDevelopmentPki() throws Exception {
        DevPkiGenerator.write(root.resolve("pki"), DevPkiOptions.defaults());
        Path config = root.resolve("gm-tls-proxy/config/example.yaml");
        Files.createDirectories(config.getParent());
        Files.copy(Path.of("config/example.yaml"), config);
        java.util.List<String> warnings = new java.util.ArrayList<>();
        GatewayConfig loaded = ConfigLoader.load(config, warnings::add);
        assertThat(warnings).as("the example uses today's (kebab-case) spellings only").isEmpty();
        Gateway.validate(loaded);
        assertThat(loaded.listeners()).extracting(l -> l.name()).containsExactly("mqtt", "enroll");
        assertThat(loaded.revocation().crls()).hasSize(2);
    }
}
