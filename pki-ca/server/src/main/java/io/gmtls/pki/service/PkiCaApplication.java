package io.gmtls.pki.service;

import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.AuditAnchor;
import io.gmtls.pki.core.AuditChain;
import io.gmtls.pki.core.AuditEvent;
import io.gmtls.pki.core.CaHierarchy;
import io.gmtls.pki.core.OfflineRootSigner;
import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.crypto.CaKeyStore;
import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.EncryptedPkcs8KeyStore;
import io.gmtls.pki.core.revocation.CrlPublisher;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import io.gmtls.pki.store.JdbcAuditLog;
import io.gmtls.pki.web.ApiKeys;
import java.io.Console;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The pki-ca service and its commands:
 * <pre>
 * java -jar pki-ca.jar [serve]        run the CA service (default)
 * java -jar pki-ca.jar audit-verify   check the audit log's SM3 chain and its signed checkpoints (exit 0 intact, 1 broken)
 * java -jar pki-ca.jar hash-key [KEY] print the SM3 hash to configure for an API key
 * </pre>
 * Spring options ({@code --gmtls.db.url=...}) work with every command.
 */
@SpringBootApplication(scanBasePackages = {"io.gmtls.pki.web", "io.gmtls.pki.authn", "io.gmtls.pki.feed"})
@Import({DatabaseConfiguration.class, PkiCaCoreConfiguration.class})
public class PkiCaApplication {

    @Bean
    CrlScheduler crlScheduler(CrlPublisher publisher, PkiCaProperties properties) {
        return new CrlScheduler(publisher, properties.ca().crlInterval());
    }

    /** The audit checkpoint key (in the CA key store: a file, never the database), generated on first start. */
    @Bean
    AuditAnchor auditAnchor(CaKeyStore caKeyStore, SecureRandom pkiRandom, PkiStores stores) {
        AuditAnchor.Opened opened = AuditAnchor.open(caKeyStore, pkiRandom);
        if (opened.generated()) {
            stores.transactions().inTransaction(() -> {
                stores.audit().append(AuditEvent.success(Actor.SYSTEM, "audit.checkpoint-key", AuditAnchor.KEY_ALIAS,
                        "generated SM2 checkpoint key id=" + opened.anchor().keyId()));
                return null;
            });
        }
        return opened.anchor();
    }

    /** Signed checkpoints every {@code gmtls.audit.checkpoint-interval} (default 5 min, 1 s to 1 h). */
    @Bean
    AuditCheckpointer auditCheckpointer(PkiStores stores, AuditAnchor anchor, @Value("${"
            + CHECKPOINT_INTERVAL + ":5m}") Duration interval) {
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
            throw new PkiConfigException(CHECKPOINT_INTERVAL, "must be between 1s and 1h");
        }
        return new AuditCheckpointer(stores.audit(), anchor, interval);
    }

    /** The property that sets how often the audit chain is checkpointed. */
    public static final String CHECKPOINT_INTERVAL = "gmtls.audit.checkpoint-interval";

    public static void main(String[] args) {
        int code = new CommandLine(new Root()).setUnmatchedArgumentsAllowed(true)
                .addSubcommand(new Serve()).addSubcommand(new AuditVerify()).addSubcommand(new HashKey())
                .addSubcommand(new SignIssuingCa())
                .execute(args);
        if (code != 0 || (args.length > 0 && !args[0].equals("serve") && !args[0].startsWith("--"))) {
            System.exit(code);
        }
    }

    /** Starts the service (for tests and embedding). */
    public static ConfigurableApplicationContext start(String... args) {
        return application(PkiCaApplication.class).run(args);
    }

    /** The service's defaults file, on the classpath: loaded by this application only. */
    public static final String DEFAULTS = "pki-ca.yml";

    /**
     * A Spring application with the service defaults of {@value #DEFAULTS} as default properties (the
     * lowest precedence: application.yml, environment and command line override them). The library jar
     * has no application.yml, so an application that embeds the CA core is not handed ours.
     */
    static SpringApplication application(Class<?> source) {
        SpringApplication app = new SpringApplication(source);
        app.setDefaultProperties(serviceDefaults());
        return app;
    }

    static Map<String, Object> serviceDefaults() {
        try {
            Map<String, Object> defaults = new LinkedHashMap<>();
            for (PropertySource<?> source : new YamlPropertySourceLoader().load(DEFAULTS, new ClassPathResource(DEFAULTS))) {
                if (source instanceof EnumerablePropertySource<?> enumerable) {
                    for (String name : enumerable.getPropertyNames()) {
                        defaults.putIfAbsent(name, enumerable.getProperty(name));
                    }
                }
            }
            return defaults;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS + " from the classpath", e);
        }
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

    @Command(name = "pki-ca", mixinStandardHelpOptions = true,
            description = "SM2 CA on PostgreSQL with the broker auth endpoint")
    static final class Root extends StartCommand {
    }

    @Command(name = "serve", description = "run the CA service (the default)")
    static final class Serve extends StartCommand {
    }

    @Command(name = "audit-verify", description = "verify the audit log's SM3 hash chain")
    static final class AuditVerify implements Callable<Integer> {
        @CommandLine.Unmatched
        String[] springArgs = new String[0];

        @Override
        public Integer call() {
            SpringApplication app = application(AuditVerifyConfiguration.class);
            app.setWebApplicationType(WebApplicationType.NONE);
            try (ConfigurableApplicationContext ctx = app.run(springArgs)) {
                JdbcAuditLog audit = ctx.getBean(JdbcAuditLog.class);
                AuditChain.Verification v;
                String passphrase = ctx.getEnvironment().getProperty("gmtls.ca.key-passphrase", "");
                if (passphrase.isEmpty()) {
                    System.out.println("WARNING: no gmtls.ca.key-passphrase: signed checkpoints not checked");
                    v = audit.verify();
                } else {
                    Path keyDir = Path.of(ctx.getEnvironment().getProperty("gmtls.ca.key-dir", "pki-ca-data/keys"));
                    Duration interval = ctx.getEnvironment().getProperty(CHECKPOINT_INTERVAL, Duration.class,
                            Duration.ofMinutes(5));
                    EncryptedPkcs8KeyStore keys = new EncryptedPkcs8KeyStore(keyDir, passphrase.toCharArray());
                    try {
                        if (!keys.contains(AuditAnchor.KEY_ALIAS)) {
                            System.out.println("BROKEN: no audit checkpoint key in " + keyDir);
                            return 1;
                        }
                        v = audit.verify(new AuditAnchor(keys.signer(AuditAnchor.KEY_ALIAS)), Instant.now(),
                                AuditCheckpointer.maxUnanchored(interval));
                    } finally {
                        keys.close();
                    }
                }
                System.out.println((v.intact() ? "OK " : "BROKEN ") + v.eventsChecked() + " events checked: "
                        + v.reason());
                return v.intact() ? 0 : 1;
            }
        }
    }

    @Command(name = "hash-key", description = "print the SM3 hash of an API key (reads it from the console if not given)")
    static final class HashKey implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() {
            String k = key;
            if (k == null) {
                Console console = System.console();
                if (console == null) {
                    System.err.println("no console: give the key as an argument");
                    return 2;
                }
                k = new String(console.readPassword("API key: "));
            }
            PrintWriter out = new PrintWriter(System.out, true);
            out.println(ApiKeys.hash(k));
            return 0;
        }
    }

    /**
     * The offline root's one job, run where the root key is kept (no database, no service): signs an
     * issuing CA certificate from its CSR. The root passphrase comes from GMTLS_CA_ROOT_KEY_PASSPHRASE
     * or the console, never from the command line.
     */
    @Command(name = "sign-issuing-ca",
            description = "sign an issuing CA certificate from its CSR with an offline root key")
    static final class SignIssuingCa implements Callable<Integer> {
        @CommandLine.Option(names = "--root-cert", required = true, description = "root CA certificate (PEM)")
        java.nio.file.Path rootCert;
        @CommandLine.Option(names = "--root-key", required = true, description = "root key (encrypted PKCS#8 PEM)")
        java.nio.file.Path rootKey;
        @CommandLine.Option(names = "--csr", required = true, description = "the issuing CA's PKCS#10 CSR (PEM or DER)")
        java.nio.file.Path csr;
        @CommandLine.Option(names = "--out", required = true, description = "where to write the certificate (PEM)")
        java.nio.file.Path out;
        @CommandLine.Option(names = "--days", defaultValue = "2920", description = "validity in days (default 2920)")
        int days;
        @CommandLine.Option(names = "--passphrase-file",
                description = "file whose first line is the root key passphrase (else GMTLS_CA_ROOT_KEY_PASSPHRASE, "
                        + "else the console)")
        java.nio.file.Path passphraseFile;

        @Override
        public Integer call() throws Exception {
            char[] passphrase = rootPassphrase();
            if (passphrase == null) {
                System.err.println("set GMTLS_CA_ROOT_KEY_PASSPHRASE or run on a console");
                return 2;
            }
            try {
                byte[] request = java.nio.file.Files.readAllBytes(csr);
                String text = new String(request, java.nio.charset.StandardCharsets.US_ASCII);
                byte[] der = text.contains("-----BEGIN") ? CertificateRequests.decode(text) : request;
                java.security.cert.X509Certificate issuing = OfflineRootSigner.signIssuingCa(
                        CaHierarchy.readCertificate(rootCert), CaHierarchy.readPrivateKey(rootKey, passphrase), der,
                        java.time.Duration.ofDays(days), Clock.systemUTC());
                java.nio.file.Files.writeString(out, io.gmtls.crypto.pem.Pem.certificate(issuing),
                        java.nio.charset.StandardCharsets.US_ASCII,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                System.out.println("wrote " + out + ": " + issuing.getSubjectX500Principal().getName() + ", serial "
                        + issuing.getSerialNumber().toString(16) + ", until " + issuing.getNotAfter().toInstant());
                return 0;
            } catch (PkiException | PkiConfigException e) {
                System.err.println(e.getMessage());
                return 1;
            } finally {
                java.util.Arrays.fill(passphrase, '\0');
            }
        }

        private char[] rootPassphrase() throws IOException {
            if (passphraseFile != null) {
                String first = java.nio.file.Files.readAllLines(passphraseFile).stream().findFirst().orElse("");
                return first.isEmpty() ? null : first.toCharArray();
            }
            String env = System.getenv("GMTLS_CA_ROOT_KEY_PASSPHRASE");
            if (env != null && !env.isEmpty()) {
                return env.toCharArray();
            }
            Console console = System.console();
            return console == null ? null : console.readPassword("root key passphrase: ");
        }
    }

    /** Only the database and the audit log: verification changes nothing. */
    @Configuration(proxyBeanMethods = false)
    @Import(DatabaseConfiguration.class)
    static class AuditVerifyConfiguration {
        @Bean
        JdbcAuditLog auditLog(DataSource dataSource) {
            JdbcTemplate template = new JdbcTemplate(dataSource);
            return new JdbcAuditLog(JdbcClient.create(template), template, Clock.systemUTC());
        }
    }
}
