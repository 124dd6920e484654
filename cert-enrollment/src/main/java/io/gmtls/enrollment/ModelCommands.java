package io.gmtls.enrollment;

import io.gmtls.enrollment.service.EnrollmentAudit;
import io.gmtls.enrollment.service.EnrollmentSchema;
import io.gmtls.enrollment.service.ModelEnrollmentPolicy;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.service.DatabaseConfiguration;
import io.gmtls.pki.store.JdbcAuditLog;
import io.gmtls.pki.store.PkiSchema;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The per-model enrollment switch from the command line (the database only; no CA keys, no web). */
final class ModelCommands {

    private ModelCommands() {
    }

    @Command(name = "model-enrollment", description = "turn enrollment of a vehicle model on or off")
    static final class SetModelEnrollment implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL")
        String model;

        @Parameters(index = "1", paramLabel = "on|off")
        String state;

        @CommandLine.Unmatched
        String[] springArgs = new String[0];

        @Override
        public Integer call() {
            String s = state.toLowerCase(Locale.ROOT);
            if (!s.equals("on") && !s.equals("off")) {
                System.err.println("state must be on or off");
                return 2;
            }
            boolean enabled = s.equals("on");
            try (ConfigurableApplicationContext ctx = context(springArgs)) {
                Tools tools = ctx.getBean(Tools.class);
                boolean known = tools.jdbc().sql("SELECT 1 FROM vehicle_model WHERE code = ?").param(model)
                        .query(Integer.class).optional().isPresent();
                if (!known) {
                    System.err.println("no model " + model + " is registered");
                    return 1;
                }
                tools.transactions().executeWithoutResult(status -> {
                    tools.policy().set(model, enabled);
                    tools.audit().append(AuditEvent.success(
                            EnrollmentAudit.actor("cli:" + System.getProperty("user.name", "unknown")),
                            "enrollment.model-setting", model, "enrollment=" + s));
                });
                System.out.println("enrollment of model " + model + " is " + s);
                return 0;
            }
        }
    }

    @Command(name = "models", description = "list vehicle models and whether they may enroll")
    static final class ListModels implements Callable<Integer> {
        @CommandLine.Unmatched
        String[] springArgs = new String[0];

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = context(springArgs)) {
                Tools tools = ctx.getBean(Tools.class);
                Map<String, Boolean> models = tools.policy().all();
                Map<String, Boolean> perModel = new java.util.TreeMap<>();
                tools.jdbc().sql("SELECT code, per_model_allowed FROM vehicle_model")
                        .query(rs -> {
                            perModel.put(rs.getString(1), rs.getBoolean(2));
                        });
                System.out.printf("%-32s %-10s %s%n", "MODEL", "ENROLL", "PER-MODEL CONNECT");
                models.forEach((code, enabled) -> System.out.printf("%-32s %-10s %s%n", code, enabled ? "on" : "off",
                        perModel.getOrDefault(code, false) ? "on" : "off"));
                return 0;
            }
        }
    }

    static ConfigurableApplicationContext context(String[] args) {
        SpringApplication app = new SpringApplication(ToolsConfiguration.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run(args);
    }

    /** What the commands use. */
    record Tools(JdbcClient jdbc, ModelEnrollmentPolicy policy, JdbcAuditLog audit, TransactionTemplate transactions) {
    }

    @Configuration(proxyBeanMethods = false)
    @Import(DatabaseConfiguration.class)
    static class ToolsConfiguration {
        @Bean
        Tools tools(DataSource dataSource, Environment environment) {
            PkiSchema.migrate(dataSource);
            EnrollmentSchema.migrate(dataSource);
            JdbcTemplate template = new JdbcTemplate(dataSource);
            JdbcClient jdbc = JdbcClient.create(template);
            boolean byDefault = environment.getProperty("gmtls.enrollment.enrollment-default", Boolean.class, true);
            return new Tools(jdbc, new ModelEnrollmentPolicy(jdbc, byDefault),
                    new JdbcAuditLog(jdbc, template, Clock.systemUTC()),
                    new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
        }
    }
}
