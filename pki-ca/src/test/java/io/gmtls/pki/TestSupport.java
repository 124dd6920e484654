package io.gmtls.pki;

import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.crypto.Sm2Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test helpers: CSRs, PEM, the system openssl, and a throw-away PostgreSQL database. */
public final class TestSupport {

    public static final SecureRandom RANDOM = new SecureRandom();

    private TestSupport() {
    }

    public static KeyPair sm2() {
        return Sm2Keys.generate(RANDOM);
    }

    public static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", GmCrypto.provider());
        g.initialize(new ECGenParameterSpec(curve), RANDOM);
        return g.generateKeyPair();
    }

    public static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", GmCrypto.provider());
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    /** A PKCS#10 CSR (DER), signed with SM3withSM2 / SHA256withECDSA / SHA256withRSA as fits the key. */
    public static byte[] csr(KeyPair key, String cn, String... dnsNames) throws Exception {
        var builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), key.getPublic());
        if (dnsNames.length > 0) {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            GeneralName[] names = new GeneralName[dnsNames.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
            }
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
        }
        String alg = switch (key.getPublic().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            default -> Sm2Keys.isSm2(key.getPublic()) ? "SM3withSM2" : "SHA256withECDSA";
        };
        return builder.build(new JcaContentSignerBuilder(alg).setProvider(GmCrypto.provider()).build(key.getPrivate()))
                .getEncoded();
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public static String privateKeyPem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** Runs the system openssl; returns stdout+stderr; fails the test on a non-zero exit unless allowed. */
    public static Result openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    public record Result(int exit, String output) {
    }

    public static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    /** The admin JDBC URL tests use (env GMTLS_TEST_JDBC_URL, then -Dgmtls.test.jdbc.url). */
    public static String adminUrl() {
        String env = System.getenv("GMTLS_TEST_JDBC_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return System.getProperty("gmtls.test.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    }

    /** A database of its own for one test run, dropped on close. */
    public static final class TestDatabase implements AutoCloseable {
        private final String name;
        private final String url;

        public TestDatabase() throws SQLException {
            this.name = "pkica_test_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE).toLowerCase(Locale.ROOT);
            try (Connection c = DriverManager.getConnection(adminUrl()); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
            String admin = adminUrl();
            int q = admin.indexOf('?');
            String base = q < 0 ? admin : admin.substring(0, q);
            this.url = base.substring(0, base.lastIndexOf('/') + 1) + name + (q < 0 ? "" : admin.substring(q));
        }

        public String name() {
            return name;
        }

        /** JDBC URL of the test database (user in the query string, as in the admin URL). */
        public String url() {
            return url;
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url);
        }

        /** Runs SQL on the admin connection (ALTER DATABASE, terminating backends). */
        public void admin(String sql) throws SQLException {
            try (Connection c = DriverManager.getConnection(adminUrl()); Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }

        @Override
        public void close() throws SQLException {
            admin("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
