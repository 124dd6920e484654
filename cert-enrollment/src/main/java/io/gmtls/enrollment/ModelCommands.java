package io.gmtls.enrollment;

import io.gmtls.enrollment.service.EnrollmentAudit;
import io.gmtls.enrollment.service.EnrollmentSchema;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.service.DatabaseConfiguration;
import io.gmtls.pki.store.JdbcAuditLog;
import io.gmtls.pki.store.JdbcVehicleRegistry;
import io.gmtls.pki.store.PkiSchema;
import io.gmtls.pki.store.SpringTransactions;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The per-model enrollment switch (pki-ca's {@code vehicle_model.enrollment_allowed}) from the command
 * line: the database only; no CA keys, no web. The same switch is pki-ca's admin API
 * {@code PUT /api/v1/admin/models/{code}/enrollment}.
 */
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
            try (ConfigurableApplicationContext ctx = context(springArgs)) {
                VehicleDirectory models = ctx.getBean(VehicleDirectory.class);
                try {
                    models.setEnrollmentAllowed(model, s.equals("on"),
                            EnrollmentAudit.actor("cli:" + System.getProperty("user.name", "unknown")));
                } catch (PkiException e) {
                    System.err.println("no model " + model + " is registered");
                    return 1;
                }
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
                System.out.printf("%-32s %-10s %s%n", "MODEL", "ENROLL", "PER-MODEL CONNECT");
                for (VehicleModel m : ctx.getBean(VehicleDirectory.class).models()) {
                    System.out.printf("%-32s %-10s %s%n", m.code(), m.enrollmentAllowed() ? "on" : "off",
                            m.perModelAllowed() ? "on" : "off");
                }
                return 0;
            }
        }
    }

    static ConfigurableApplicationContext context(String[] args) {
        SpringApplication app = new SpringApplication(ToolsConfiguration.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run(args);
    }

    /**
     * The commands' context. Not a {@code @Configuration}: the service's component scan must not pick
     * it up (its VehicleDirectory would clash with the CA core's); it is the primary source of
     * {@link #context} only.
     */
    @Import(DatabaseConfiguration.class)
    static class ToolsConfiguration {
        @Bean
        VehicleDirectory vehicleDirectory(DataSource dataSource, Environment environment) {
            PkiSchema.migrate(dataSource);
            EnrollmentSchema.migrate(dataSource,
                    environment.getProperty("gmtls.enrollment.enrollment-default", Boolean.class, true));
            JdbcTemplate template = new JdbcTemplate(dataSource);
            JdbcClient jdbc = JdbcClient.create(template);
            return new VehicleDirectory(new JdbcVehicleRegistry(jdbc, template),
                    new JdbcAuditLog(jdbc, template, Clock.systemUTC()),
                    new SpringTransactions(new DataSourceTransactionManager(dataSource)));
        }
    }
}
