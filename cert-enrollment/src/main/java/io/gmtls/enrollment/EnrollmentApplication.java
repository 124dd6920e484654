package io.gmtls.enrollment;

import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.enrollment.est.EstResponder;
import io.gmtls.enrollment.ppv2.Ppv2Counters;
import io.gmtls.enrollment.ppv2.Ppv2ServerCustomizer;
import io.gmtls.enrollment.rest.RestResponder;
import io.gmtls.enrollment.service.DefaultRegistrationAuthority;
import io.gmtls.enrollment.service.EnrollmentAudit;
import io.gmtls.enrollment.service.EnrollmentRecords;
import io.gmtls.enrollment.service.EnrollmentSchema;
import io.gmtls.enrollment.service.RateLimiter;
import io.gmtls.enrollment.service.RegistrationAuthority;
import io.gmtls.enrollment.service.SupersedeJob;
import io.gmtls.enrollment.service.SupersededPairs;
import io.gmtls.enrollment.store.JdbcEnrollmentRecords;
import io.gmtls.enrollment.store.JdbcSupersededPairs;
import io.gmtls.enrollment.store.SpringStoreFailures;
import io.gmtls.pki.core.CaUrls;
import io.gmtls.pki.core.CertificateAuthority;
import io.gmtls.pki.core.EnrollmentTokens;
import io.gmtls.pki.core.Transactions;
import io.gmtls.pki.core.VehicleDirectory;
import io.gmtls.pki.core.profile.ProfileCatalog;
import io.gmtls.pki.service.DatabaseConfiguration;
import io.gmtls.pki.service.PkiCaCoreConfiguration;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The enrollment service: WebFlux on Reactor Netty behind the gateway, with the pki-ca core in
 * process on the same PostgreSQL. All wiring is here. Commands:
 * <pre>
 * java -jar cert-enrollment.jar [serve]                      run the service (default)
 * java -jar cert-enrollment.jar model-enrollment CODE on|off turn enrollment of a model on or off
 * java -jar cert-enrollment.jar models                       list models and their switches
 * </pre>
 * Spring options ({@code --gmtls.db.url=...}) work with every command.
 */
@SpringBootApplication
@Import({DatabaseConfiguration.class, PkiCaCoreConfiguration.class})
@EnableConfigurationProperties(EnrollmentProperties.class)
public class EnrollmentApplication {

    private static final Logger log = LoggerFactory.getLogger(EnrollmentApplication.class);

    /** The profile whose issuing CA signs vehicle certificates (EST cacerts answers its chain). */
    static final String VEHICLE_SIGN_PROFILE = "vehicle-sign";

    /** This service's stores, over the pki-ca DataSource and after its schema. */
    public record EnrollmentStores(EnrollmentRecords records, SupersededPairs superseded,
            Transactions transactions) {
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Root()).setUnmatchedArgumentsAllowed(true)
                .addSubcommand(new Serve()).addSubcommand(new ModelCommands.SetModelEnrollment())
                .addSubcommand(new ModelCommands.ListModels())
                .execute(args);
        if (code != 0 || (args.length > 0 && !args[0].equals("serve") && !args[0].startsWith("--"))) {
            System.exit(code);
        }
    }

    /** Starts the service (tests and embedding). */
    public static ConfigurableApplicationContext start(String... args) {
        return SpringApplication.run(EnrollmentApplication.class, args);
    }

    /** The commands that start the service: the root command (no subcommand) and {@code serve}. */
    abstract static class StartCommand implements Callable<Integer> {
        @CommandLine.Unmatched
        String[] springArgs = new String[0];

        @Override
        public Integer call() {
            start(springArgs);
            return 0;
        }
    }

    @Command(name = "cert-enrollment", mixinStandardHelpOptions = true,
            description = "T-Box enrollment and renewal (REST and EST) behind the GM TLS gateway")
    static final class Root extends StartCommand {
    }

    @Command(name = "serve", description = "run the enrollment service (the default)")
    static final class Serve extends StartCommand {
    }

    // ---------------------------------------------------------------------------------------------
    // PPv2 front and web layer

    @Bean
    Ppv2Counters ppv2Counters() {
        return new Ppv2Counters();
    }

    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> ppv2Front(EnrollmentProperties properties,
            Ppv2Counters counters) {
        Ppv2ServerCustomizer customizer = new Ppv2ServerCustomizer(properties.ppv2().receiverSettings(),
                properties.gatewayAllowList(), properties.idleTimeout(), counters);
        log.info("accepting PPv2 from gateways {}", properties.gateways());
        return factory -> factory.addServerCustomizers(customizer);
    }

    /**
     * Event loops of this application's own, not Reactor Netty's global ones: closing one application
     * context (a second node in the same JVM, a test) must not stop another's server.
     */
    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        return factory;
    }

    @Bean
    WebFluxConfigurer bodyLimit(EnrollmentProperties properties) {
        return new WebFluxConfigurer() {
            @Override
            public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
                configurer.defaultCodecs().maxInMemorySize(properties.maxBodyBytes());
            }
        };
    }

    @Bean
    GatewayRequestFilter gatewayRequestFilter(RateLimiter limiter) {
        return new GatewayRequestFilter(limiter);
    }

    @Bean
    ProblemExceptionHandler problemExceptionHandler(EnrollmentAudit audit) {
        return new ProblemExceptionHandler(audit);
    }

    @Bean
    RestResponder restResponder() {
        return new RestResponder();
    }

    @Bean
    EstResponder estResponder() {
        return new EstResponder();
    }

    // ---------------------------------------------------------------------------------------------
    // Registration authority

    @Bean
    EnrollmentStores enrollmentStores(DataSource dataSource, PkiStores pkiStores, EnrollmentProperties properties) {
        // pkiStores first: its migrations create the tables ours reference.
        int applied = EnrollmentSchema.migrate(dataSource, properties.enrollmentDefault());
        if (applied > 0) {
            log.info("applied {} cert-enrollment schema migration(s)", applied);
        }
        JdbcClient jdbc = JdbcClient.create(dataSource);
        // pki-ca's transactions: the CA's calls join the one opened here, and what must wait for its commit
        // (republishing the CRL after a revocation) runs after it, outside of it.
        return new EnrollmentStores(new JdbcEnrollmentRecords(jdbc), new JdbcSupersededPairs(jdbc), pkiStores.transactions());
    }

    @Bean
    RateLimiter rateLimiter(EnrollmentProperties properties) {
        return new RateLimiter(properties.limits());
    }

    /**
     * Refusals of callers without an accepted credential are summed per source prefix and written once
     * per {@code gmtls.enrollment.refusal-audit-window} (default 1 min, 1 s to 1 h; what is counted at
     * shutdown is written then).
     */
    @Bean(initMethod = "start", destroyMethod = "close")
    EnrollmentAudit enrollmentAudit(PkiStores pkiStores, Clock pkiClock,
            @Value("${gmtls.enrollment.refusal-audit-window:60s}") Duration window) {
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
            throw new PkiConfigException("gmtls.enrollment.refusal-audit-window", "must be between 1s and 1h");
        }
        return new EnrollmentAudit(pkiStores.audit(), pkiStores.transactions(), pkiClock, window, 1000);
    }

    @Bean
    RegistrationAuthority registrationAuthority(CertificateAuthority ca, VehicleDirectory vehicles,
            EnrollmentTokens tokens, EnrollmentStores stores, RateLimiter limiter, EnrollmentAudit audit, CaUrls urls,
            Clock pkiClock, ProfileCatalog profiles, EnrollmentProperties properties) {
        return new DefaultRegistrationAuthority(new DefaultRegistrationAuthority.Parts(ca, vehicles, tokens,
                stores.records(), stores.superseded(), limiter, audit,
                stores.transactions(), new SpringStoreFailures(), urls, pkiClock, profiles.require(VEHICLE_SIGN_PROFILE).issuer(),
                properties.renewal().overlap()));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    SupersedeJob supersedeJob(EnrollmentStores stores, CertificateAuthority ca, Clock pkiClock,
            EnrollmentProperties properties) {
        return new SupersedeJob(stores.superseded(), ca, stores.transactions(), pkiClock,
                properties.renewal().revokeInterval());
    }
}
