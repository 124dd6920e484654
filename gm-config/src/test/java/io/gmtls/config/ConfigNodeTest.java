package io.gmtls.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gmtls.config.ConfigDocument.Spelling;

class ConfigNodeTest {

    @TempDir
    Path dir;

    private ConfigNode root(String yaml, Spelling spelling) {
        return ConfigDocument.parse("c.yaml", yaml, dir, spelling).root();
    }

    @Test
    void typedReadsNameFileAndKeyWhenTheyFail() {
        ConfigNode root = root("a: {b: [1, x]}\nn: '12'\nf: yes\nd: 2h\ns: 64KiB\nt: 1\n", Spelling.KEBAB);
        ConfigNode a = root.child("a");
        assertThat(root.integer("n", 0, 0, 100)).isEqualTo(12);
        assertThat(root.bool("f", false)).isTrue();
        assertThat(root.duration("d", Duration.ZERO)).isEqualTo(Duration.ofHours(2));
        assertThat(root.size("s", 0, 0, 1 << 20)).isEqualTo(65536);
        assertThat(a.stringList("b")).containsExactly("1", "x");
        assertThatThrownBy(() -> root.integer("d", 0, 0, 9)).isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml: d: expected an integer, found '2h'")
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("d"));
        assertThatThrownBy(() -> root.integer("n", 0, 20, 30)).hasMessage("c.yaml: n: must be between 20 and 30, was 12");
        assertThatThrownBy(() -> a.string("b")).hasMessage("c.yaml: a.b: expected a non-empty string, found a list");
        assertThatThrownBy(() -> a.string("z")).hasMessage("c.yaml: a.z: is required");
        assertThatThrownBy(() -> root.duration("f", Duration.ZERO))
                .hasMessage("c.yaml: f: expected a duration like 500ms, 10s, 5m, 1h, 1d or PT3S, found boolean true");
        assertThatThrownBy(() -> root.duration("d", Duration.ZERO, Duration.ofDays(1)))
                .hasMessage("c.yaml: d: must be at least 86400000ms, was 2h");
        assertThatThrownBy(() -> root.child("n")).hasMessage("c.yaml: n: expected a mapping (key: value), found '12'");
        assertThatThrownBy(root::checkNoUnknownKeys)
                .hasMessage("c.yaml: t: unknown key (known here: a, n, f, d, s)");
    }

    @Test
    void recordChecksBecomeErrorsAtTheirKey() {
        ConfigNode root = root("port: 70000\n", Spelling.KEBAB);
        int port = root.integer("port", 0, 0, Integer.MAX_VALUE);
        assertThatThrownBy(() -> root.build("port", () -> new HostPort("h", port)))
                .isInstanceOf(ConfigException.class).hasMessage("c.yaml: port: port must be between 0 and 65535, was 70000");
    }

    @Test
    void relativePathsAreResolvedAgainstTheFilesFolder() throws Exception {
        Files.writeString(dir.resolve("k.pem"), "x");
        Path file = dir.resolve("conf.yaml");
        Files.writeString(file, "key: k.pem\nmissing: nope.pem\n");
        ConfigNode root = ConfigDocument.read(file, Spelling.KEBAB).root();
        assertThat(root.existingFile("key")).isEqualTo(dir.resolve("k.pem"));
        assertThatThrownBy(() -> root.existingFile("missing"))
                .hasMessage(file + ": missing: file " + dir.resolve("nope.pem") + " not found");
    }

    @Test
    void camelCaseIsReadOnlyWhereAllowedAndReportedOnceEach() {
        String yaml = "maxConnections: 5\nlimits: {idleTimeout: 1m}\nlist: [{readTimeout: 1s}, {readTimeout: 2s}]\n";
        ConfigNode strict = root(yaml, Spelling.KEBAB);
        assertThat(strict.integer("max-connections", 1, 1, 9)).isEqualTo(1);
        assertThatThrownBy(strict::checkNoUnknownKeys).hasMessageStartingWith("c.yaml: maxConnections: unknown key");

        ConfigDocument doc = ConfigDocument.parse("c.yaml", yaml, dir, Spelling.KEBAB_OR_LEGACY_CAMEL);
        ConfigNode root = doc.root();
        assertThat(root.integer("max-connections", 1, 1, 9)).isEqualTo(5);
        assertThat(root.child("limits").duration("idle-timeout", Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
        List<ConfigNode> list = root.children("list");
        assertThat(list.get(1).duration("read-timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
        assertThat(list.get(0).duration("read-timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
        root.checkNoUnknownKeys();
        assertThat(doc.deprecatedSpellings()).containsExactly(java.util.Map.entry("maxConnections", "max-connections"),
                java.util.Map.entry("idleTimeout", "idle-timeout"), java.util.Map.entry("readTimeout", "read-timeout"));
        assertThat(doc.deprecationWarning()).contains("c.yaml: deprecated spellings, still read (rename them): "
                + "maxConnections → max-connections, idleTimeout → idle-timeout, readTimeout → read-timeout");
    }

    @Test
    void bothSpellingsOfOneKeyAreRefused() {
        ConfigNode root = root("maxConnections: 5\nmax-connections: 6\n", Spelling.KEBAB_OR_LEGACY_CAMEL);
        assertThatThrownBy(() -> root.integer("max-connections", 1, 1, 9))
                .hasMessage("c.yaml: max-connections: is also written as maxConnections: keep one (max-connections)");
        assertThat(ConfigDocument.parse("c.yaml", "a: 1\n", dir, Spelling.KEBAB_OR_LEGACY_CAMEL).deprecationWarning())
                .isEmpty();
    }

    @Test
    void theYamlReaderIsBounded() {
        assertThatThrownBy(() -> root("a: 1\na: 2\n", Spelling.KEBAB)).hasMessageStartingWith("c.yaml: not valid YAML: ");
        assertThatThrownBy(() -> root("", Spelling.KEBAB)).hasMessage("c.yaml: is empty");
        assertThatThrownBy(() -> root("- a\n", Spelling.KEBAB)).hasMessage("c.yaml: expected a mapping (key: value), found a list");
        assertThatThrownBy(() -> root("a: !!java.io.File /etc\n", Spelling.KEBAB)).hasMessageStartingWith("c.yaml: not valid YAML");
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
        assertThatThrownBy(() -> root(bomb, Spelling.KEBAB)).hasMessageStartingWith("c.yaml: not valid YAML");
        assertThatThrownBy(() -> ConfigDocument.read(dir.resolve("none.yaml"), Spelling.KEBAB))
                .hasMessage(dir.resolve("none.yaml") + ": file not found");
    }
}
