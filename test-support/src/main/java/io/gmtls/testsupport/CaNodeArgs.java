package io.gmtls.testsupport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Spring command line that starts a pki-ca node (or a cert-enrollment node, which reads the same
 * {@code gmtls.db} / {@code gmtls.ca} settings) on a test database: plain {@code --key=value} strings,
 * so that test-support needs neither service. Keys keep the order they were first set in; setting one
 * again replaces its value.
 *
 * <pre>{@code
 * PkiCaApplication.start(CaNodeArgs.onDatabase(db.url(), 4).loopback()
 *         .caKeys(work.resolve("keys"), "it-passphrase").bootstrap("generate")
 *         .apiKey("ops", "operator", ApiKeys.hash(operatorKey)).toArray());
 * }</pre>
 */
public final class CaNodeArgs {

    private final Map<String, String> values = new LinkedHashMap<>();
    private int apiKeys;

    private CaNodeArgs() {
    }

    /** A free port ({@code server.port=0}) and the external database {@code jdbcUrl} with {@code poolSize} connections. */
    public static CaNodeArgs onDatabase(String jdbcUrl, int poolSize) {
        return new CaNodeArgs().set("server.port", 0).set("gmtls.db.mode", "external").set("gmtls.db.url", jdbcUrl)
                .set("gmtls.db.pool-size", poolSize);
    }

    /** {@code --key=value}; a key set before keeps its place and takes the new value. */
    public CaNodeArgs set(String key, Object value) {
        values.put(key, String.valueOf(value));
        return this;
    }

    /** Each {@code --key=value} of {@code args} as {@link #set(String, Object)}. */
    public CaNodeArgs with(String... args) {
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("not --key=value: " + a);
            }
            set(a.substring(2, eq), a.substring(eq + 1));
        }
        return this;
    }

    /** Binds 127.0.0.1 only. */
    public CaNodeArgs loopback() {
        return set("server.address", "127.0.0.1");
    }

    /** The CA's key directory and its passphrase. */
    public CaNodeArgs caKeys(Object keyDir, String passphrase) {
        return set("gmtls.ca.key-dir", keyDir).set("gmtls.ca.key-passphrase", passphrase);
    }

    /** {@code gmtls.ca.bootstrap.mode}: generate, import or none. */
    public CaNodeArgs bootstrap(String mode) {
        return set("gmtls.ca.bootstrap.mode", mode);
    }

    /** The certs-dev PKI folder an {@code import} bootstrap reads, and whether it imports its end entities too. */
    public CaNodeArgs importFrom(Object pkiDir, boolean endEntities) {
        return set("gmtls.ca.bootstrap.import-dir", pkiDir).set("gmtls.ca.bootstrap.import-end-entities", endEntities);
    }

    /** The next API key ({@code gmtls.api-keys[i]}, i counting from 0): its name, role and SM3 hash (hex). */
    public CaNodeArgs apiKey(String name, String role, String sm3) {
        int i = apiKeys++;
        return set("gmtls.api-keys[" + i + "].name", name).set("gmtls.api-keys[" + i + "].role", role)
                .set("gmtls.api-keys[" + i + "].sm3", sm3);
    }

    public List<String> toList() {
        return values.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }

    public String[] toArray() {
        return toList().toArray(String[]::new);
    }

    @Override
    public String toString() {
        return String.join(" ", toList());
    }
}
