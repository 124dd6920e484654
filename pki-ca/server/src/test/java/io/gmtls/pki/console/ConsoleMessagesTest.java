package io.gmtls.pki.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.core.AuditOutcome;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.profile.ProfileUsage;
import io.gmtls.pki.web.ApiRole;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every label and message of the console exists in English and in Simplified Chinese. */
class ConsoleMessagesTest {

    private static final Path TEMPLATES = Path.of("src/main/resources/templates/console");
    private static final Pattern LITERAL_KEY = Pattern.compile("#\\{([a-zA-Z][a-zA-Z0-9_.]*)[}(]");

    @Test
    void bothLanguagesHaveTheSameKeys() throws IOException {
        Properties en = load("console/messages.properties");
        Properties zh = load("console/messages_zh_CN.properties");
        assertThat(zh.stringPropertyNames()).isEqualTo(en.stringPropertyNames());
        assertThat(en.stringPropertyNames()).hasSizeGreaterThan(150);
        for (String key : zh.stringPropertyNames()) {
            assertThat(zh.getProperty(key)).as(key).isNotBlank();
        }
    }

    @Test
    void everyKeyThePagesUseExists() throws IOException {
        Properties en = load("console/messages.properties");
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.list(TEMPLATES)) {
            for (Path f : files.toList()) {
                Matcher m = LITERAL_KEY.matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertThat(used).hasSizeGreaterThan(100);
        // Keys put together at run time: prefix + an enum constant or a fixed word.
        for (ApiRole r : ApiRole.values()) {
            used.add("role." + r);
        }
        for (String s : new String[] {"VALID", "REVOKED", "EXPIRED", "NOT_YET_VALID"}) {
            used.add("status." + s);
        }
        for (ProfileUsage u : ProfileUsage.values()) {
            used.add("usage." + u);
        }
        used.add("usage.VEHICLE_TLS");
        for (RevocationReason r : RevocationReason.values()) {
            used.add("reason." + r);
        }
        for (AuditOutcome o : AuditOutcome.values()) {
            used.add("audit.outcome." + o);
        }
        for (String s : new String[] {"revoked", "blocked", "unblocked", "released"}) {
            used.add("vehicle.done." + s);
        }
        for (String s : new String[] {"enrollment", "mode", "imported"}) {
            used.add("models.done." + s);
        }
        for (String s : new String[] {"session", "csrf", "forbidden", "refused", "internal", "database"}) {
            used.add("console.error." + s);
        }
        assertThat(en.stringPropertyNames()).containsAll(used);
    }

    private static Properties load(String resource) throws IOException {
        Properties p = new Properties();
        try (InputStream in = ConsoleMessagesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }
}
