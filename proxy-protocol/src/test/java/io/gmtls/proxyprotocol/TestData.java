package io.gmtls.proxyprotocol;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Shared test inputs: the recorded HAProxy headers, the interop certificates, throw-away certificates. */
final class TestData {

    static final Provider BC = new BouncyCastleProvider();

    private TestData() {
    }

    /** The recorded vectors copied into this module's test resources ({@code interop/...}). */
    static Path resources() {
        try {
            return Path.of(TestData.class.getClassLoader().getResource("interop").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A recorded HAProxy header: its bytes and the payload that followed it. */
    record Recorded(byte[] header, int headerLength, byte[] payload) {
        byte[] headerThenPayload() {
            byte[] all = new byte[header.length + payload.length];
            System.arraycopy(header, 0, all, 0, header.length);
            System.arraycopy(payload, 0, all, header.length, payload.length);
            return all;
        }
    }

    static Recorded haproxy(String name) throws IOException {
        String json = Files.readString(resources().resolve("interop/ppv2/" + name), StandardCharsets.UTF_8);
        byte[] header = HexFormat.of().parseHex(jsonString(json, "header_hex"));
        int length = Integer.parseInt(jsonNumber(json, "header_length"));
        String payload = jsonString(json, "payload_after_header").replace("\\n", "\n");
        return new Recorded(header, length, payload.getBytes(StandardCharsets.US_ASCII));
    }

    private static String jsonString(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + key);
        }
        return m.group(1);
    }

    private static String jsonNumber(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + key);
        }
        return m.group(1);
    }

    /** Loads a certificate with the JDK's own X.509 factory (which cannot parse SM2 keys). */
    static X509Certificate jdkCertificate(String relativePath) throws Exception {
        try (InputStream in = Files.newInputStream(resources().resolve(relativePath))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Loads a certificate with BouncyCastle's factory (SM2 keys become BC EC keys). */
    static X509Certificate bcCertificate(String relativePath) throws Exception {
        try (InputStream in = Files.newInputStream(resources().resolve(relativePath))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509", BC).generateCertificate(in);
        }
    }

    static KeyPair sm2KeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
        generator.initialize(new ECGenParameterSpec("sm2p256v1"));
        return generator.generateKeyPair();
    }

    /** A throw-away certificate for {@code subjectKey}, signed by {@code issuerKey} in the name of {@code issuer}. */
    static X509Certificate certificate(String issuer, KeyPair issuerKey, String subject, KeyPair subjectKey,
                                       BigInteger serial, String signatureAlgorithm) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), serial,
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(30, ChronoUnit.DAYS)),
                new X500Name(subject), subjectKey.getPublic());
        return new JcaX509CertificateConverter().setProvider(BC).getCertificate(builder.build(
                new JcaContentSignerBuilder(signatureAlgorithm).setProvider(BC).build(issuerKey.getPrivate())));
    }

    /** Runs openssl (an independent implementation) and returns its standard output. */
    static String openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("openssl failed: " + out);
        }
        return out.trim();
    }
}
