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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test helpers: CSRs, PEM and the system openssl (a throw-away database: test-support's TestDatabase). */
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

    /**
     * A PKCS#10 CSR (DER) whose subjectPublicKeyInfo is the given encoding of the pair's public key
     * (compressed point, SM2 curve OID as the algorithm, ...), signed by the pair's private key.
     */
    public static byte[] csrWithKeyEncoding(KeyPair key, String cn, org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki)
            throws Exception {
        String alg = Sm2Keys.isSm2(key.getPublic()) ? "SM3withSM2" : "SHA256withECDSA";
        return new org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), spki)
                .build(new JcaContentSignerBuilder(alg).setProvider(GmCrypto.provider()).build(key.getPrivate()))
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
}
