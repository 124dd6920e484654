package io.gmtls.certsdev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: what it writes, and one clear line with a non-zero exit for bad input. */
class CliIT {
    @TempDir
    Path temp;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CertsDevCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertOneLineRefusal(Run run, String reason) {
        assertThat(run.code()).isNotZero();
        assertThat(run.err().strip()).doesNotContain("\n").contains(reason).startsWith("certs-dev: ");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void writesTheFolderWithTheManifest() throws Exception {
        Path out = temp.resolve("pki");
        Run run = run("--out", out.toString(), "--vehicles", "4", "--dns", "localhost,gw.test", "--model", "MODELX");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote a development PKI");
        String manifest = Files.readString(out.resolve("manifest.json"));
        assertThat(manifest).contains("\"modelCode\": \"MODELX\"").contains(DevPkiGenerator.vin(4))
                .contains("\"role\":\"gateway-tlcp-sign\"").contains("\"kind\":\"crl\"");
        try (Stream<Path> files = Files.walk(out)) {
            long count = files.filter(Files::isRegularFile).count();
            // Every file of the folder is described in the manifest (it does not describe itself).
            assertThat(manifest.split("\"file\":", -1).length - 1).isEqualTo(count - 1);
        }
        assertThat(Files.getPosixFilePermissions(out.resolve("sm2/gateway-sign.key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(Files.list(temp).map(p -> p.getFileName().toString())).containsExactly("pki");
    }

    @Test
    void refusesAnExistingFolderWithoutForceAndLeavesItAlone() throws Exception {
        Path out = temp.resolve("pki");
        assertThat(run("-o", out.toString(), "-q").code()).isZero();
        byte[] before = Files.readAllBytes(out.resolve("manifest.json"));
        assertOneLineRefusal(run("-o", out.toString()), "already holds files; use --force");
        assertThat(Files.readAllBytes(out.resolve("manifest.json"))).isEqualTo(before);

        Run forced = run("-o", out.toString(), "--force", "-n", "1");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(Files.readString(out.resolve("manifest.json"))).doesNotContain(DevPkiGenerator.vin(2));
        assertThat(Files.list(temp).map(p -> p.getFileName().toString())).containsExactly("pki");
    }

    @Test
    void refusesBadInputWithOneLine() throws Exception {
        Path out = temp.resolve("pki");
        assertOneLineRefusal(run("-o", out.toString(), "-n", "-1"), "vehicles must be between 0");
        assertOneLineRefusal(run("-o", out.toString(), "--bogus"), "Unknown option: '--bogus'");
        assertOneLineRefusal(run("-o", out.toString(), "-n", "many"), "'many' is not an int");
        assertOneLineRefusal(run("-o", out.toString(), "--dns", "not a name"), "not a DNS name");
        assertOneLineRefusal(run(), "Missing required option: '--out=DIR'");
        assertOneLineRefusal(run("-o", out.toString(), "--passphrase-env", "GMTLS_SURELY_UNSET_VARIABLE"), "is not set");
        assertOneLineRefusal(run("-o", out.toString(), "--passphrase-file", temp.resolve("missing").toString()),
                "cannot read passphrase file");
        assertThat(out).doesNotExist();
    }

    @Test
    void refusesAnUnwritableFolderWithOneLine() throws Exception {
        Path file = Files.writeString(temp.resolve("plain-file"), "x");
        assertOneLineRefusal(run("-o", file.resolve("pki").toString()), "cannot write");
        assertOneLineRefusal(run("-o", file.toString()), "is not a folder");
        // /proc is read-only even for root, which CI runs as.
        assertOneLineRefusal(run("-o", "/proc/gmtls-pki"), "cannot write");
        Path readOnly = Files.createDirectory(temp.resolve("ro"));
        readOnly.toFile().setWritable(false, false);
        try {
            Run run = run("-o", readOnly.resolve("pki").toString());
            if (!"root".equals(System.getProperty("user.name"))) {
                assertOneLineRefusal(run, "permission denied");
                assertThat(readOnly.resolve("pki")).doesNotExist();
            }
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
    }

    @Test
    void theRunnableJarWorksAsAProcess() throws Exception {
        Path jar = Path.of("target", "certs-dev.jar");
        assertThat(jar).as("built by the package phase").exists();
        Path out = temp.resolve("from-jar");
        Process ok = new ProcessBuilder(List.of(javaBin(), "-jar", jar.toString(), "-o", out.toString(), "-n", "1"))
                .redirectErrorStream(true).start();
        assertThat(ok.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ok.exitValue()).as(new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(out.resolve("manifest.json")).exists();

        Process bad = new ProcessBuilder(List.of(javaBin(), "-jar", jar.toString(), "-o", out.toString(), "-n", "-5"))
                .start();
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(err.strip()).doesNotContain("\n").contains("vehicles must be between 0");
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
