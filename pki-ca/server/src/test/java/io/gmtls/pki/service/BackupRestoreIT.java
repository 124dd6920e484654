package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.CrlStore.StoredCrl;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleCredentials;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.VehiclePairRequest;
import io.gmtls.pki.core.revocation.CrlPublisher;
import io.gmtls.testsupport.CaNodeArgs;
import io.gmtls.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The backup and restore procedure of docs/operations/backup.md, end to end on real PostgreSQL with the
 * pg_dump and pg_restore binaries on the PATH: a CA issues certificates and a CRL; its database is dumped
 * while it runs and its key directory copied; the dump is restored into an empty database; a CA started
 * on the restored database and the copied keys finds its CAs, the audit chain and its signed checkpoints
 * verify, the certificates are there, and issuance continues with fresh serials and CRL numbers.
 */
class BackupRestoreIT {

    private static final Actor ACTOR = new Actor("backup-it", "operator");
    private static final String MODEL = "BAKMODEL";

    @TempDir
    Path work;

    @Test
    void restoredDatabaseAndKeysContinueTheCa() throws Exception {
        try (TestDatabase source = new TestDatabase("pkica_backup_src_");
                TestDatabase target = new TestDatabase("pkica_backup_dst_")) {
            Set<String> serialsBefore = new HashSet<>();
            long crlNumberBefore;
            long auditEventsBefore;
            Path dump = work.resolve("pki-ca.dump");
            Path keysBackup = work.resolve("keys-backup");

            ConfigurableApplicationContext original = node(source, work.resolve("keys"), "generate");
            try {
                VehicleDirectory vehicles = original.getBean(VehicleDirectory.class);
                vehicles.addModel(new VehicleModel(MODEL, "backup model", false), ACTOR);
                for (int i = 1; i <= 3; i++) {
                    String vin = vin(i);
                    vehicles.addVehicles(List.of(new Vehicle(vin, MODEL)), ACTOR);
                    VehicleCredentials pair = original.getBean(CertificateAuthority.class)
                            .issueVehiclePair(new VehiclePairRequest(vin, TestSupport.csr(TestSupport.sm2(), vin)), ACTOR);
                    serialsBefore.add(pair.signing().serial());
                    serialsBefore.add(pair.encryption().serial());
                }
                crlNumberBefore = publishCrls(original);
                auditEventsBefore = original.getBean(CaHealthMetrics.class).verifyAudit().eventsChecked();

                // The procedure: dump while the CA runs (one consistent snapshot), copy the key directory.
                run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file=" + dump,
                        connection(source), source.name());
                copyTree(work.resolve("keys"), keysBackup);
            } finally {
                original.close();
            }
            assertThat(Files.size(dump)).isPositive();

            run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                    "--dbname=" + target.name(), connection(target), dump.toString());

            ConfigurableApplicationContext restored = node(target, keysBackup, "none");
            try {
                AuditChain.Verification verification = restored.getBean(CaHealthMetrics.class).verifyAudit();
                assertThat(verification.intact()).as(verification.reason()).isTrue();
                assertThat(verification.eventsChecked()).isGreaterThanOrEqualTo(auditEventsBefore);

                assertThat(serials(target)).containsAll(serialsBefore);

                Set<String> serialsAfter = new HashSet<>();
                VehicleDirectory vehicles = restored.getBean(VehicleDirectory.class);
                for (int i = 4; i <= 6; i++) {
                    String vin = vin(i);
                    vehicles.addVehicles(List.of(new Vehicle(vin, MODEL)), ACTOR);
                    VehicleCredentials pair = restored.getBean(CertificateAuthority.class)
                            .issueVehiclePair(new VehiclePairRequest(vin, TestSupport.csr(TestSupport.sm2(), vin)), ACTOR);
                    serialsAfter.add(pair.signing().serial());
                    serialsAfter.add(pair.encryption().serial());
                }
                assertThat(serialsAfter).hasSize(6).doesNotContainAnyElementsOf(serialsBefore);
                assertThat(publishCrls(restored)).as("CRL numbers continue after the restore").isGreaterThan(crlNumberBefore);

                AuditChain.Verification after = restored.getBean(CaHealthMetrics.class).verifyAudit();
                assertThat(after.intact()).as(after.reason()).isTrue();
                assertThat(after.eventsChecked()).isGreaterThan(verification.eventsChecked());
            } finally {
                restored.close();
            }
        }
    }

    private ConfigurableApplicationContext node(TestDatabase db, Path keys, String bootstrap) {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        return PkiCaApplication.start(CaNodeArgs.onDatabase(db.url(), 4).loopback()
                .set("spring.main.banner-mode", "off")
                .caKeys(keys, "backup-it-passphrase")
                .bootstrap(bootstrap)
                .toArray());
    }

    /** Publishes every issuing CA's full CRL; returns the highest CRL number. */
    private static long publishCrls(ConfigurableApplicationContext node) {
        CrlPublisher publisher = node.getBean(CrlPublisher.class);
        long highest = 0;
        for (var ca : node.getBean(io.gmtls.pki.core.CaDirectory.class).issuingCas()) {
            StoredCrl crl = publisher.publishFull(ca.name());
            highest = Math.max(highest, crl.number());
        }
        return highest;
    }

    private static Set<String> serials(TestDatabase db) throws Exception {
        Set<String> serials = new HashSet<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT serial FROM certificate")) {
            while (rs.next()) {
                serials.add(rs.getString(1));
            }
        }
        return serials;
    }

    private static String vin(int i) {
        return "LGMBAK0000000000" + i;
    }

    /** pg_dump / pg_restore connection options from the test database's JDBC URL (host, port, user). */
    private static String connection(TestDatabase db) {
        Matcher m = Pattern.compile("^jdbc:postgresql://([^:/?]+)(?::(\\d+))?/[^?]*(?:\\?(.*))?$").matcher(db.url());
        assertThat(m.matches()).as("JDBC URL " + db.url()).isTrue();
        String user = "postgres";
        if (m.group(3) != null) {
            for (String param : m.group(3).split("&")) {
                if (param.startsWith("user=")) {
                    user = param.substring(5);
                }
            }
        }
        return "--host=" + m.group(1) + " --port=" + (m.group(2) == null ? "5432" : m.group(2)) + " --username=" + user;
    }

    private static void run(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool));
        for (String arg : args) {
            command.addAll(arg.startsWith("--host=") ? List.of(arg.split(" ")) : List.of(arg));
        }
        command.add("--no-password");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PGCONNECT_TIMEOUT", "10"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(tool + " finished").isTrue();
        assertThat(process.exitValue()).as(tool + ": " + output).isZero();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
    }
}
