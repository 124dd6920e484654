package io.gmtls.crypto.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Client side of standard TLS 1.3 (ECDSA/RSA) for tests and the vehicle simulator, on Netty or on the
 * plain JDK. The server's chain is checked by the JDK's PKIX trust manager against the given roots; the
 * host name is checked (HTTPS rules) by the Netty context, and by JDK engines/sockets whose
 * {@code SSLParameters} ask for endpoint identification "HTTPS".
 */
public final class StandardTls13ClientContexts {

    private StandardTls13ClientContexts() {
    }

    /**
     * A Netty client context: TLS 1.3 only, host name verification on.
     *
     * @param clientCredential ECDSA/RSA key and chain presented when asked, or null
     * @param serverTrust      roots the server chain must lead to
     * @param provider         {@link SslProvider#OPENSSL} or {@link SslProvider#JDK}
     */
    public static SslContext netty(CertificateCredential clientCredential, List<X509Certificate> serverTrust,
            SslProvider provider) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(Objects.requireNonNull(provider, "provider"))
                .protocols(Rfc8998.PROTOCOL)
                .trustManager(serverTrust.toArray(new X509Certificate[0]))
                .endpointIdentificationAlgorithm("HTTPS");
        if (clientCredential != null) {
            builder.keyManager(clientCredential.privateKey(), clientCredential.chainArray());
        }
        return builder.build();
    }

    /**
     * A JDK client context restricted to TLS 1.3.
     *
     * @param clientCredential ECDSA/RSA key and chain presented when asked, or null
     * @param serverTrust      roots the server chain must lead to
     */
    public static SSLContext jdk(CertificateCredential clientCredential, List<X509Certificate> serverTrust)
            throws GeneralSecurityException {
        try {
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            for (int i = 0; i < serverTrust.size(); i++) {
                trustStore.setCertificateEntry("trust-" + i, serverTrust.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(trustStore);
            KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
            // The store lives only in memory for this call; its password protects nothing at rest.
            char[] password = new char[0];
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            if (clientCredential != null) {
                keyStore.setKeyEntry("client", clientCredential.privateKey(), password, clientCredential.chainArray());
            }
            keys.init(keyStore, password);
            SSLContext context = SSLContext.getInstance(Rfc8998.PROTOCOL);
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build an in-memory key store", e);
        }
    }
}
