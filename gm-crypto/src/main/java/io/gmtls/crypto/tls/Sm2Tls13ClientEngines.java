package io.gmtls.crypto.tls;

import io.gmtls.crypto.BouncyCastle;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;

import io.gmtls.crypto.tls.CertificateChainVerifier.Purpose;
import io.netty.handler.ssl.SslHandler;
import org.bouncycastle.jsse.BCSNIHostName;
import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.jsse.BCSSLParameters;

/**
 * Client side of RFC 8998 TLS 1.3 for tests and the vehicle simulator: engines that offer only
 * TLS_SM4_GCM_SM3, curveSM2 and sm2sig_sm3, present an SM2 client certificate when the server asks, and
 * verify the server's SM2 chain (BouncyCastle PKIX) and host name. Build once, then create an engine per
 * connection; thread-safe.
 *
 * <pre>{@code
 * Sm2Tls13ClientEngines tls = Sm2Tls13ClientEngines.create(vehicleSign, sm2Trust);
 * pipeline.addLast(tls.newHandler("gateway.example.com", 8883));
 * }</pre>
 */
public final class Sm2Tls13ClientEngines {

    private final SSLContext context;

    private Sm2Tls13ClientEngines(SSLContext context) {
        this.context = context;
    }

    /**
     * @param clientCredential the vehicle's SM2 signing key and chain, or null to connect without one
     * @param serverTrust      SM2 roots (and intermediates) the server's chain must lead to
     * @throws GeneralSecurityException if BouncyCastle's JSSE can't be set up
     */
    public static Sm2Tls13ClientEngines create(CertificateCredential clientCredential, List<X509Certificate> serverTrust)
            throws GeneralSecurityException {
        Objects.requireNonNull(serverTrust, "serverTrust");
        if (clientCredential != null) {
            clientCredential.checkKeyPair();
        }
        SSLContext context = SSLContext.getInstance(Rfc8998.PROTOCOL, BouncyCastle.JSSE);
        KeyManager[] keys = clientCredential == null
                ? new KeyManager[0]
                : new KeyManager[] {new Sm2KeyManager(clientCredential)};
        TrustManager trust = new ChainVerifyingTrustManager(
                CertificateChainVerifier.sm2(serverTrust, PathCheck.NONE), Purpose.SERVER_AUTH,
                ChainVerifyingTrustManager.Engine.BOUNCYCASTLE);
        context.init(keys, new TrustManager[] {trust}, null);
        return new Sm2Tls13ClientEngines(context);
    }

    /**
     * A client engine for one connection; SNI is sent for {@code host} when it is a DNS name.
     *
     * @param host the gateway's host name, checked against the server certificate's subjectAltName
     */
    public SSLEngine newEngine(String host, int port) {
        Objects.requireNonNull(host, "host");
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        BCSSLParameters perConnection = Rfc8998.parameters();
        if (!HostNames.isIpLiteral(host)) {
            // JSSE sends SNI only for dotted names; the gateway picks credentials and upstreams by SNI, so a
            // single-label name such as "localhost" is sent too.
            perConnection.setServerNames(List.of(new BCSNIHostName(HostNames.normalise(host))));
        }
        ((BCSSLEngine) engine).setParameters(perConnection);
        return engine;
    }

    /** A Netty {@link SslHandler} around {@link #newEngine(String, int)}. */
    public SslHandler newHandler(String host, int port) {
        return new SslHandler(newEngine(host, port));
    }
}
