package io.gmtls.pki.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.PkiConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;

/**
 * {@code gmtls.db.mode=auto}: the line saying which database it chose never shows a credential
 * (password in the JDBC URL masked, the password property never printed), and under a production
 * profile {@code auto} is refused (it could silently start a new CA on an embedded database). On the
 * real PostgreSQL at 127.0.0.1:5432.
 */
class AutoDatabaseModeIT {

    private static final String SECRET = "s3cret-db-passw0rd";

    @Test
    void autoModeNeverLogsTheDatabasePassword() throws Exception {
        String admin = io.gmtls.testsupport.TestDatabase.adminUrl();
        String url = admin + (admin.contains("?") ? "&" : "?") + "password=" + SECRET;
        PkiCaProperties properties = bind(Map.of("gmtls.db.mode", "auto", "gmtls.db.url", url,
                "gmtls.db.password", SECRET));
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(DatabaseConfiguration.class);
        // Other tests in this JVM start services with the root level at WARN: see the INFO line here.
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logged.start();
        logger.addAppender(logged);
        try (DatabaseConfiguration.EmbeddedDatabase db = new DatabaseConfiguration()
                .embeddedDatabase(properties, new MockEnvironment())) {
            assertThat(db.endpoint().embedded()).as("the reachable server is used").isFalse();
        } finally {
            logger.detachAppender(logged);
            logger.setLevel(level);
        }
        assertThat(logged.list).as("the auto line is logged").isNotEmpty();
        assertThat(logged.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(SECRET));
        assertThat(logged.list.get(0).getFormattedMessage()).contains("password=***");
    }

    @Test
    void productionProfileRefusesAutoMode() {
        MockEnvironment production = new MockEnvironment();
        production.setActiveProfiles("production");
        PkiCaProperties properties = bind(Map.of("gmtls.db.mode", "auto"));
        assertThatThrownBy(() -> new DatabaseConfiguration().embeddedDatabase(properties, production))
                .isInstanceOf(PkiConfigException.class)
                .hasMessageContaining("gmtls.db.mode")
                .hasMessageContaining("production");
    }

    private static PkiCaProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("gmtls", PkiCaProperties.class);
    }
}
