package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.core.PkiConfigException;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model code of a certs-dev {@code manifest.json}, read as a stream whatever the manifest's size. */
class CertsDevManifestTest {

    @TempDir
    Path dir;

    /** certs-dev's layout for 9,000 vehicles: the top-level fields, then megabytes of per-file entries. */
    @Test
    void readsTheModelCodeOfAManifestOfNineThousandVehicles() throws IOException {
        writeManifest(9_000, true);
        // Well past the 4 MiB the import used to refuse.
        assertThat(Files.size(dir.resolve("manifest.json"))).isGreaterThan(12L * 1024 * 1024);
        assertThat(CertsDevFolder.modelCode(dir)).isEqualTo("GMTDEV01");
    }

    /** Another writer may put the model code after the file list: skipped as a stream, still found. */
    @Test
    void findsAModelCodeAfterALargeFileList() throws IOException {
        writeManifest(9_000, false);
        assertThat(CertsDevFolder.modelCode(dir)).isEqualTo("GMTDEV01");
    }

    @Test
    void noManifestOrNoModelCodeIsNone() throws IOException {
        assertThat(CertsDevFolder.modelCode(dir)).isNull();
        write("{\"generator\": \"certs-dev\", \"vehicles\": [\"LGMDEV00000000001\"], \"files\": [{\"a\": [1, {}]}]}");
        assertThat(CertsDevFolder.modelCode(dir)).isNull();
        write("{\"modelCode\": null}");
        assertThat(CertsDevFolder.modelCode(dir)).isNull();
    }

    /** Only the top level counts: a nested modelCode (a file entry's) is not the manifest's. */
    @Test
    void aNestedModelCodeIsNotTheManifests() throws IOException {
        write("{\"files\": [{\"path\": \"sm2/model-X-sign.crt\", \"modelCode\": \"NESTED1\"}], \"modelCode\": \"TOP01\"}");
        assertThat(CertsDevFolder.modelCode(dir)).isEqualTo("TOP01");
    }

    @Test
    void badManifestsStopTheImportNamingKeyAndFile() throws IOException {
        for (String bad : new String[] {"", "[1, 2]", "{\"generator\": \"certs-dev\", ", "{\"vehicles\": [}",
                "{\"modelCode\": 42}", "{\"modelCode\": \"not a code!\"}", "{\"modelCode\": {\"x\": 1}}"}) {
            write(bad);
            assertThatThrownBy(() -> CertsDevFolder.modelCode(dir))
                    .as(bad)
                    .isInstanceOf(PkiConfigException.class)
                    .hasMessageStartingWith("gmtls.ca.bootstrap.import-dir: ")
                    .hasMessageContaining("manifest.json");
        }
    }

    /** A file with no model code within the limit (256 MiB; 1 MiB here) is not read further. */
    @Test
    void aManifestIsNotReadPastTheLimit() throws IOException {
        writeManifest(1_000, false);
        assertThat(Files.size(dir.resolve("manifest.json"))).isGreaterThan(1024L * 1024);
        assertThatThrownBy(() -> CertsDevFolder.modelCode(dir, 1024 * 1024))
                .isInstanceOf(PkiConfigException.class)
                .hasMessageStartingWith("gmtls.ca.bootstrap.import-dir: ")
                .hasMessageContaining("no modelCode within its first 1048576 bytes");
        // certs-dev's order: the model code comes first, so the limit never matters.
        writeManifest(1_000, true);
        assertThat(CertsDevFolder.modelCode(dir, 1024 * 1024)).isEqualTo("GMTDEV01");
    }

    private void write(String json) throws IOException {
        Files.writeString(dir.resolve("manifest.json"), json);
    }

    /** A manifest shaped as certs-dev writes it (PkiLayout), with 3 files per vehicle. */
    private void writeManifest(int vehicles, boolean modelCodeFirst) throws IOException {
        try (Writer w = Files.newBufferedWriter(dir.resolve("manifest.json"))) {
            w.write("{\n  \"generator\": \"certs-dev\",\n  \"generated\": \"2026-01-01T00:00:00Z\",\n");
            w.write("  \"sm2UserId\": \"1234567812345678\",\n");
            if (modelCodeFirst) {
                w.write("  \"modelCode\": \"GMTDEV01\",\n");
            }
            w.write("  \"vehicles\": [");
            for (int i = 1; i <= vehicles; i++) {
                w.write((i > 1 ? ", " : "") + "\"" + vin(i) + "\"");
            }
            w.write("],\n  \"revokedVehicle\": \"LGMREV00000000001\",\n  \"files\": [\n");
            for (int i = 1; i <= vehicles; i++) {
                for (String kind : new String[] {"sm2/vehicles/%s-sign.crt", "sm2/vehicles/%s-enc.crt", "ecdsa/vehicles/%s.crt"}) {
                    w.write("    {\"path\": \"" + kind.formatted(vin(i)) + "\", \"kind\": \"certificate\", \"role\": "
                            + "\"vehicle-sign\", \"subject\": \"C=CN,O=GM TLS Dev,OU=T-Box,CN=" + vin(i) + "\", \"issuer\": "
                            + "\"C=CN,O=GM TLS Dev,CN=GM TLS Dev SM2 Issuing CA\", \"serial\": "
                            + "\"5a3c0f17e25a3c0f17e25a3c0f17e25a\", \"notBefore\": \"2026-01-01T00:00:00Z\", \"notAfter\": "
                            + "\"2031-01-01T00:00:00Z\", \"sha256\": \"" + "ab".repeat(32) + "\", \"keyUsage\": "
                            + "[\"digitalSignature\", \"nonRepudiation\"], \"vin\": \"" + vin(i) + "\"},\n");
                }
            }
            w.write("    {\"path\": \"sm2/trust.pem\", \"kind\": \"bundle\"}\n  ]");
            if (!modelCodeFirst) {
                w.write(",\n  \"modelCode\": \"GMTDEV01\"");
            }
            w.write("\n}\n");
        }
    }

    private static String vin(int i) {
        return "LGMDEV%011d".formatted(i);
    }
}
