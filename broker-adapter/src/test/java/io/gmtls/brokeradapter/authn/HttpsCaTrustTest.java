package io.gmtls.brokeradapter.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import io.gmtls.brokeradapter.config.CaSettings;
import io.gmtls.brokeradapter.testing.FakeCa;
import io.gmtls.brokeradapter.testing.FakeCa.Answer;

/**
 * The gate reaches an HTTPS CA through the configured trust only (issue 11, item 10): a real HTTPS
 * server on loopback with a self-signed certificate is trusted when that certificate is the configured
 * anchor, and refused (the CA is "unavailable", the client is not let in) under another anchor or the
 * JVM's default CAs.
 */
class HttpsCaTrustTest {

    private static final AuthnRequest REQUEST =
            new AuthnRequest("LGMDEV00000000001", "u", "pw", "10.1.2.3", "LGMDEV00000000001", "", Optional.of("ab"));

    @Test
    void anHttpsCaIsTrustedThroughTheConfiguredAnchorsOnly() throws Exception {
        KeyPair serverKey = ecKey();
        X509Certificate serverCert = selfSigned(serverKey, "CN=test CA endpoint");
        X509Certificate stranger = selfSigned(ecKey(), "CN=some other CA");
        try (FakeCa ca = FakeCa.startHttps(body -> Answer.allow(), serverContext(serverKey, serverCert))) {
            assertThat(ca.authnUrl().getScheme()).isEqualTo("https");
            assertThat(ask(ca, List.of(serverCert))).isInstanceOf(AuthnDecision.Allow.class);
            AuthnDecision other = ask(ca, List.of(stranger));
            assertThat(other).isInstanceOf(AuthnDecision.Unavailable.class);
            assertThat(((AuthnDecision.Unavailable) other).reason()).contains("TLS");
            assertThat(ask(ca, List.of())).as("JVM default CAs").isInstanceOf(AuthnDecision.Unavailable.class);
            assertThat(ca.requests()).hasSize(1);
        }
    }

    private static AuthnDecision ask(FakeCa ca, List<X509Certificate> trust) throws Exception {
        CaSettings settings = new CaSettings(ca.authnUrl(), Duration.ofSeconds(10), 1024, 8, Optional.of("k-123"), trust);
        return new HttpCaAuthenticator(settings).authenticate(REQUEST).toCompletableFuture().get();
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A self-signed certificate valid for 127.0.0.1 (IP SAN), so that host name checks pass. */
    private static X509Certificate selfSigned(KeyPair key, String name) throws Exception {
        Instant now = Instant.now();
        X500Principal subject = new X500Principal(name);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), subject, key.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    private static SSLContext serverContext(KeyPair key, X509Certificate cert) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("server", key.getPrivate(), password, new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
