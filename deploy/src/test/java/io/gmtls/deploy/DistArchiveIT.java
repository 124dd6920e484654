package io.gmtls.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.gmtls.config.Durations;

/**
 * The archives {@code mvn package} writes (deploy/target/gmtls-&lt;service&gt;.tar.gz): the layout the
 * README promises, hardened systemd units, and no private key anywhere — not as a file, not inside the
 * jar, not inside a jar nested in the jar.
 */
class DistArchiveIT {

    /** A PEM private key with its body: a class file's constant "PRIVATE KEY" does not match. */
    private static final Pattern PEM_PRIVATE_KEY =
            Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----\\s+[A-Za-z0-9+/=\\s]{40,}");
    private static final List<String> KEY_FILE_SUFFIXES = List.of(".key", ".p12", ".pfx", ".jks", ".p8", ".keystore");

    private static final Map<String, String[]> LAYOUT = Map.of(
            "gateway", new String[] {"bin/gm-tls-proxy", "lib/gm-tls-proxy.jar", "config/gateway.yaml",
                "systemd/gmtls-gateway.service"},
            "pki-ca", new String[] {"bin/pki-ca", "lib/pki-ca.jar", "config/pki-ca.yml", "systemd/gmtls-pki-ca.service"},
            "cert-enrollment", new String[] {"bin/cert-enrollment", "lib/cert-enrollment.jar",
                "config/cert-enrollment.yml", "systemd/gmtls-cert-enrollment.service"},
            "gate", new String[] {"bin/gmtls-gate", "lib/broker-adapter.jar", "config/gate.yaml",
                "systemd/gmtls-gate.service"});

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "pki-ca", "cert-enrollment", "gate"})
    void archiveHasTheLayoutAndAHardenedUnit(String service) throws IOException {
        List<TarGz.Entry> entries = TarGz.read(archive(service));
        String base = "gmtls-" + service + "-" + System.getProperty("project.version", "0.1.0-SNAPSHOT") + "/";
        List<String> names = entries.stream().map(TarGz.Entry::name).toList();
        for (String file : LAYOUT.get(service)) {
            assertThat(names).as(service).contains(base + file);
        }
        assertThat(names).contains(base + "README.md");
        assertThat(names).allMatch(name -> name.startsWith(base), "everything under " + base);
        TarGz.Entry script = entry(entries, base + LAYOUT.get(service)[0]);
        assertThat(script.mode() & 0111).as("start script executable").isEqualTo(0111);
        String scriptText = text(script);
        assertThat(scriptText).startsWith("#!/bin/sh").contains("JAVA_OPTS").contains("/etc/gmtls/");

        String unit = text(entry(entries, base + LAYOUT.get(service)[3]));
        assertThat(unit).contains("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "ReadWritePaths=/var/lib/gmtls/" + service, "User=gmtls", "LimitNOFILE=",
                "ExecStart=/opt/gmtls/" + service + "/bin/");
        assertThat(unit).doesNotContainPattern("(?m)^AmbientCapabilities=\\S");

        for (TarGz.Entry entry : entries) {
            if (entry.name().contains("/config/")) {
                assertThat(text(entry)).as(entry.name() + ": config and keys live outside the install path")
                        .doesNotContain("/opt/gmtls");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "pki-ca", "cert-enrollment", "gate"})
    void archiveHoldsNoPrivateKey(String service) throws IOException {
        List<String> found = new ArrayList<>();
        int scanned = 0;
        for (TarGz.Entry entry : TarGz.read(archive(service))) {
            if (!entry.directory()) {
                scanned += scan(entry.name(), entry.content(), 0, found);
            }
        }
        assertThat(scanned).as("entries scanned, nested jars included").isGreaterThan(100);
        assertThat(found).as("private keys in gmtls-" + service + ".tar.gz").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway"})
    void gatewayUnitWaitsLongerThanTheDrain(String service) throws IOException {
        List<TarGz.Entry> entries = TarGz.read(archive(service));
        String base = "gmtls-" + service + "-" + System.getProperty("project.version", "0.1.0-SNAPSHOT") + "/";
        String unit = text(entry(entries, base + "systemd/gmtls-gateway.service"));
        String config = text(entry(entries, base + "config/gateway.yaml"));
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\S+)$").matcher(unit);
        Matcher drain = Pattern.compile("(?m)^\\s+drain-timeout:\\s*(\\S+)").matcher(config);
        assertThat(stop.find()).isTrue();
        assertThat(drain.find()).isTrue();
        assertThat(Durations.parse(stop.group(1))).isGreaterThan(Durations.parse(drain.group(1)));
        assertThat(unit).contains("KillSignal=SIGTERM");
    }

    /** Returns how many entries it looked at; adds each private key it finds to {@code found}. */
    private static int scan(String name, byte[] content, int depth, List<String> found) throws IOException {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (KEY_FILE_SUFFIXES.stream().anyMatch(lower::endsWith)) {
            found.add(name + " (key file name)");
        }
        if (lower.endsWith(".class")) {
            return 1;
        }
        if (lower.endsWith(".jar") && depth < 2) {
            int count = 1;
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
                ZipEntry inner;
                while ((inner = zip.getNextEntry()) != null) {
                    if (!inner.isDirectory()) {
                        count += scan(name + "!/" + inner.getName(), TarGz.readAll(zip, 256 * 1024 * 1024), depth + 1, found);
                    }
                }
            }
            return count;
        }
        if (PEM_PRIVATE_KEY.matcher(new String(content, StandardCharsets.ISO_8859_1)).find()) {
            found.add(name + " (PEM private key)");
        }
        return 1;
    }

    private static Path archive(String service) {
        Path archive = Path.of("target", "gmtls-" + service + ".tar.gz");
        assertThat(archive).as("built by mvn package (module deploy)").isRegularFile();
        return archive;
    }

    private static TarGz.Entry entry(List<TarGz.Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    private static String text(TarGz.Entry entry) {
        return new String(entry.content(), StandardCharsets.UTF_8);
    }
}
