package io.gmtls.pki.service;

import io.gmtls.pki.core.PkiConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code gmtls.*}, immutable and validated at startup (errors name the key).
 *
 * @param db      where the database is
 * @param ca      the CA hierarchy, keys and revocation publishing
 * @param broker  the broker auth endpoint
 * @param apiKeys API keys of the admin and broker endpoints (SM3 hashes, never the keys)
 * @param profiles profile changes and additions over the defaults ({@link ProfileSettings})
 * @param feed    the revocation feed ({@code GET /api/v1/revocations/feed})
 */
@ConfigurationProperties("gmtls")
public record PkiCaProperties(@DefaultValue Db db, @DefaultValue Ca ca, @DefaultValue Broker broker,
        List<ApiKey> apiKeys, java.util.Map<String, ProfileSettings> profiles, @DefaultValue Feed feed) {

    public PkiCaProperties {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        profiles = profiles == null ? java.util.Map.of() : java.util.Map.copyOf(profiles);
    }

    /** How the database is found: {@code auto} (external if reachable, else embedded), {@code external}, {@code embedded}. */
    public enum DbMode {
        AUTO, EXTERNAL, EMBEDDED
    }

    /**
     * @param mode        auto, external or embedded
     * @param url         JDBC URL of an external PostgreSQL (env GMTLS_JDBC_URL)
     * @param user        user name (env GMTLS_JDBC_USER)
     * @param password    password (env GMTLS_JDBC_PASSWORD); empty for trust authentication
     * @param embeddedDir data directory of the embedded PostgreSQL
     * @param embeddedPort TCP port of the embedded PostgreSQL on loopback; 0 picks a free one
     * @param poolSize    connection pool size
     */
    public record Db(@DefaultValue("auto") String mode,
            @DefaultValue("jdbc:postgresql://127.0.0.1:5432/postgres") String url,
            @DefaultValue("postgres") String user,
            @DefaultValue("") String password,
            @DefaultValue("pki-ca-data/postgres") Path embeddedDir,
            @DefaultValue("0") int embeddedPort,
            @DefaultValue("16") int poolSize) {

        public Db {
            if (poolSize < 2 || poolSize > 200) {
                throw new PkiConfigException("gmtls.db.pool-size", "must be between 2 and 200");
            }
            if (url == null || !url.startsWith("jdbc:postgresql:")) {
                throw new PkiConfigException("gmtls.db.url", "must be a jdbc:postgresql: URL");
            }
            if (embeddedPort < 0 || embeddedPort > 65535) {
                throw new PkiConfigException("gmtls.db.embedded-port",
                        "must be between 0 and 65535 (0: a free port), was " + embeddedPort);
            }
            modeEnum(mode);
        }

        public DbMode modeEnum() {
            return modeEnum(mode);
        }

        private static DbMode modeEnum(String mode) {
            try {
                return DbMode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new PkiConfigException("gmtls.db.mode", "must be auto, external or embedded (was '" + mode + "')");
            }
        }
    }

    /**
     * @param organization  O= of generated CAs and of the default profiles' subjects
     * @param keyDir        directory of the encrypted PKCS#8 CA key files
     * @param keyPassphrase passphrase of those files (env GMTLS_CA_KEY_PASSPHRASE)
     * @param publicUrl     base URL relying parties use for CRLs and OCSP ({@code <url>/crl/<ca>.crl}, {@code <url>/ocsp}); empty: none in certificates
     * @param bootstrap     what to do on first start with an empty database
     * @param escrowCertificate PEM certificate (or SPKI) of the SM2 key-management key escrowing generated encryption keys; empty: no escrow
     * @param crlInterval   how often CRLs are republished
     * @param crlValidity   nextUpdate - thisUpdate of each CRL
     * @param ocspValidity  nextUpdate - thisUpdate of each OCSP response
     * @param ocspSignerCheckInterval how often a running service checks its delegated OCSP signers
     *                      (renewed within 30 days of their notAfter)
     */
    public record Ca(@DefaultValue("GM TLS") String organization,
            @DefaultValue("pki-ca-data/keys") Path keyDir,
            @DefaultValue("") String keyPassphrase,
            @DefaultValue("") String publicUrl,
            @DefaultValue Bootstrap bootstrap,
            @DefaultValue("") String escrowCertificate,
            @DefaultValue("1h") Duration crlInterval,
            @DefaultValue("24h") Duration crlValidity,
            @DefaultValue("1h") Duration ocspValidity,
            @DefaultValue("6h") Duration ocspSignerCheckInterval) {

        public Ca {
            if (crlInterval.compareTo(Duration.ofSeconds(10)) < 0) {
                throw new PkiConfigException("gmtls.ca.crl-interval", "must be at least 10s");
            }
            if (crlValidity.compareTo(crlInterval) <= 0) {
                throw new PkiConfigException("gmtls.ca.crl-validity", "must be longer than gmtls.ca.crl-interval");
            }
            if (ocspValidity.isNegative() || ocspValidity.isZero()) {
                throw new PkiConfigException("gmtls.ca.ocsp-validity", "must be positive");
            }
            if (ocspSignerCheckInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new PkiConfigException("gmtls.ca.ocsp-signer-check-interval", "must be at least 1s");
            }
        }
    }

    /**
     * @param mode                  none (refuse to start without CAs), generate (create a new hierarchy) or import
     * @param importDir             certs-dev style directory to import from ({@code sm2/root-ca.crt}, {@code sm2/issuing-ca.{crt,key}}, {@code ecdsa/...})
     * @param importPassphrase      passphrase of the imported keys, if they are encrypted
     * @param importEndEntities     with mode import: also import the folder's end-entity certificates that
     *                              chain to an imported issuing CA (vehicles, revoked vehicle, model, gateway),
     *                              register its model and VINs; on every start, idempotently
     * @param modelPerModelAllowed  per-model connect (一型一密) of the model registered by that import
     * @param rootKeyDir            with mode generate: where the root keys are exported (encrypted, owner-only),
     *                              never the key directory of the services
     * @param rootKeyPassphrase     with mode generate: the root keys' own passphrase (env
     *                              GMTLS_CA_ROOT_KEY_PASSPHRASE); empty: the root keys are not kept at all
     */
    public record Bootstrap(@DefaultValue("generate") String mode, @DefaultValue("") String importDir,
            @DefaultValue("") String importPassphrase, @DefaultValue("true") boolean importEndEntities,
            @DefaultValue("true") boolean modelPerModelAllowed,
            @DefaultValue("pki-ca-data/root-offline") Path rootKeyDir,
            @DefaultValue("") String rootKeyPassphrase) {

        public Bootstrap {
            String m = mode.strip().toLowerCase(Locale.ROOT);
            if (!m.equals("none") && !m.equals("generate") && !m.equals("import")) {
                throw new PkiConfigException("gmtls.ca.bootstrap.mode", "must be none, generate or import");
            }
            if (m.equals("import") && importDir.isBlank()) {
                throw new PkiConfigException("gmtls.ca.bootstrap.import-dir", "is required with mode=import");
            }
            mode = m;
        }

        @Override
        public String toString() {
            return "Bootstrap[mode=" + mode + ", importDir=" + importDir + ", rootKeyDir=" + rootKeyDir + "]";
        }

        /** True when the end-entity certificates of the import folder are to be imported. */
        public boolean importsEndEntities() {
            return mode.equals("import") && importEndEntities;
        }
    }

    /**
     * @param cacheTtl        how long a decision is cached
     * @param cacheSize       how many decisions are cached at most
     * @param requireSerial   deny authn requests without cert_serial
     * @param withoutCertificate result for a connection without a client certificate: deny or ignore
     * @param aclTopics       topic templates a vehicle may use ({vin} is replaced)
     * @param requireApiKey   the broker endpoints need an API key with role BROKER
     */
    public record Broker(@DefaultValue("10s") Duration cacheTtl, @DefaultValue("100000") long cacheSize,
            @DefaultValue("false") boolean requireSerial, @DefaultValue("deny") String withoutCertificate,
            @DefaultValue("vehicle/{vin}/#") List<String> aclTopics, @DefaultValue("true") boolean requireApiKey) {

        public Broker {
            if (cacheTtl.isNegative() || cacheTtl.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new PkiConfigException("gmtls.broker.cache-ttl", "must be between 0 and 5 minutes");
            }
            if (cacheSize < 0) {
                throw new PkiConfigException("gmtls.broker.cache-size", "must not be negative");
            }
            String w = withoutCertificate.strip().toLowerCase(Locale.ROOT);
            if (!w.equals("deny") && !w.equals("ignore")) {
                throw new PkiConfigException("gmtls.broker.without-certificate", "must be deny or ignore");
            }
            withoutCertificate = w;
        }
    }

    /**
     * @param keepalive         interval of the {@code : ping} comment on an idle stream
     * @param maxStreamDuration the server ends a stream after this long (receivers reconnect with
     *                          Last-Event-ID), so that load rebalances across CA nodes
     * @param retention         events of expired certificates older than this are pruned; a resume
     *                          point before the oldest retained event gets a resync
     * @param pollInterval      how often the log is polled while the change listener is not known alive
     * @param maxStreams        concurrent streams per node; more are refused with 503
     */
    public record Feed(@DefaultValue("5s") Duration keepalive, @DefaultValue("1h") Duration maxStreamDuration,
            @DefaultValue("7d") Duration retention, @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("1000") int maxStreams) {

        public Feed {
            if (keepalive.compareTo(Duration.ofMillis(100)) < 0 || keepalive.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new PkiConfigException("gmtls.feed.keepalive", "must be between 100ms and 60s");
            }
            if (maxStreamDuration.compareTo(keepalive) <= 0 || maxStreamDuration.compareTo(Duration.ofDays(1)) > 0) {
                throw new PkiConfigException("gmtls.feed.max-stream-duration",
                        "must be longer than gmtls.feed.keepalive and at most 1d");
            }
            if (retention.compareTo(Duration.ofHours(1)) < 0) {
                throw new PkiConfigException("gmtls.feed.retention", "must be at least 1h");
            }
            if (pollInterval.compareTo(Duration.ofMillis(50)) < 0 || pollInterval.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new PkiConfigException("gmtls.feed.poll-interval", "must be between 50ms and 10s");
            }
            if (maxStreams < 1 || maxStreams > 10_000) {
                throw new PkiConfigException("gmtls.feed.max-streams", "must be between 1 and 10000");
            }
        }
    }

    /**
     * An API key: its name (recorded in the audit log as the actor), its role, and the SM3 hash of the
     * key in lowercase hex ({@code java -jar pki-ca.jar hash-key} prints it).
     */
    public record ApiKey(String name, String role, String sm3) {

        public ApiKey {
            if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new PkiConfigException("gmtls.api-keys[].name", "must be 1-64 of letters, digits, '.', '_' and '-'");
            }
            if (sm3 == null || !sm3.matches("[0-9a-f]{64}")) {
                throw new PkiConfigException("gmtls.api-keys[" + name + "].sm3", "must be 64 lowercase hex digits");
            }
            if (role == null) {
                throw new PkiConfigException("gmtls.api-keys[" + name + "].role", "is required");
            }
        }
    }
}
