package io.gmtls.proxy.tls;

import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

import io.gmtls.proxy.tls.CertificateChainVerifier.Purpose;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.bouncycastle.jsse.BCSSLEngine;
import org.bouncycastle.jsse.BCSSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the TLS 1.3 server side shares between connections, built once at startup: per
 * {@link ServerIdentity} a Netty {@link SslContext} for the standard suites (BoringSSL when it loads,
 * else the JDK) and a BouncyCastle JSSE {@link SSLContext} for TLS_SM4_GCM_SM3; and the rule that picks
 * one of them from a ClientHello. Immutable and thread-safe; per connection only an engine is created.
 */
public final class Tls13ServerContexts {

    private static final Logger LOG = LoggerFactory.getLogger(Tls13ServerContexts.class);

    private final Tls13ServerCredentials credentials;
    private final Tls13ClientAuth clientAuth;
    private final SslProvider standardProvider;
    private final Map<ServerIdentity, SslContext> standardContexts;
    private final Map<ServerIdentity, SSLContext> smContexts;
    private final BCSSLParameters smParameters;
    private final long handshakeTimeoutMillis;

    private Tls13ServerContexts(Builder builder) throws GeneralSecurityException, SSLException {
        this.credentials = Objects.requireNonNull(builder.credentials, "credentials");
        this.clientAuth = Objects.requireNonNull(builder.clientAuth, "clientAuth");
        this.standardProvider = builder.standardProvider != null ? builder.standardProvider : fastestProvider();
        this.handshakeTimeoutMillis = builder.handshakeTimeoutMillis;
        Set<ServerIdentity> identities = new LinkedHashSet<>();
        identities.add(credentials.defaultIdentity());
        identities.addAll(credentials.byHostName().values());
        Map<ServerIdentity, SslContext> standard = new IdentityHashMap<>();
        Map<ServerIdentity, SSLContext> sm = new IdentityHashMap<>();
        for (ServerIdentity identity : identities) {
            if (identity.standard() != null) {
                checkKeyPair(identity.standard());
                standard.put(identity, standardContext(identity.standard()));
            }
            if (identity.sm2() != null) {
                checkKeyPair(identity.sm2());
                sm.put(identity, smContext(identity.sm2()));
            }
        }
        if (clientAuth.mode() != ClientAuth.NONE) {
            if (!standard.isEmpty() && clientAuth.standard() == null) {
                throw new IllegalArgumentException("client auth " + clientAuth.mode()
                        + " with standard server credentials needs an ECDSA/RSA client trust bundle");
            }
            if (!sm.isEmpty() && clientAuth.sm2() == null) {
                throw new IllegalArgumentException("client auth " + clientAuth.mode()
                        + " with SM2 server credentials needs an SM2 client trust bundle");
            }
        }
        this.standardContexts = standard;
        this.smContexts = sm;
        BCSSLParameters parameters = Rfc8998.parameters();
        parameters.setNeedClientAuth(clientAuth.mode() == ClientAuth.REQUIRE);
        if (clientAuth.mode() == ClientAuth.OPTIONAL) {
            parameters.setWantClientAuth(true);
        }
        this.smParameters = parameters;
    }

    /** Starts a builder; credentials are required, client auth defaults to none. */
    public static Builder builder(Tls13ServerCredentials credentials) {
        return new Builder(credentials);
    }

    /** BoringSSL if its native library loads and does TLS 1.3, the JDK otherwise. */
    public static SslProvider fastestProvider() {
        return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)
                ? SslProvider.OPENSSL
                : SslProvider.JDK;
    }

    /** The provider serving the standard suites. */
    public SslProvider standardProvider() {
        return standardProvider;
    }

    /** The credentials these contexts were built from. */
    public Tls13ServerCredentials credentials() {
        return credentials;
    }

    /**
     * The engine for a ClientHello: the SM engine when the client can do RFC 8998 and the SNI's identity
     * has an SM2 credential; else the standard engine when the identity has a standard credential; else
     * whichever engine the identity has, which then refuses the handshake with a proper alert.
     */
    public Tls13Selection select(ClientHelloSummary hello) {
        ServerIdentity identity = credentials.forServerName(hello.serverName());
        boolean sm = identity.sm2() != null && (hello.offersRfc8998() || identity.standard() == null);
        return new Tls13Selection(hello.serverName(), sm ? Tls13EngineKind.SM2_BOUNCYCASTLE : standardKind());
    }

    /**
     * A new server-side {@link SslHandler} for a selection. The caller owns the handler's engine until it is
     * in a pipeline; if adding it fails, release it with
     * {@code ReferenceCountUtil.safeRelease(handler.engine())}.
     */
    public SslHandler newHandler(Tls13Selection selection, ByteBufAllocator allocator) {
        ServerIdentity identity = credentials.forServerName(selection.serverName());
        SslHandler handler;
        if (selection.engine().isSm()) {
            SSLContext context = smContexts.get(identity);
            if (context == null) {
                throw new IllegalStateException("no SM2 credential for " + selection);
            }
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            ((BCSSLEngine) engine).setParameters(smParameters);
            handler = new SslHandler(engine);
        } else {
            SslContext context = standardContexts.get(identity);
            if (context == null) {
                throw new IllegalStateException("no standard credential for " + selection);
            }
            handler = context.newHandler(allocator);
        }
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    private Tls13EngineKind standardKind() {
        return standardProvider == SslProvider.JDK ? Tls13EngineKind.STANDARD_JDK : Tls13EngineKind.STANDARD_OPENSSL;
    }

    private SslContext standardContext(CertificateCredential credential) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forServer(credential.privateKey(), credential.chainArray())
                .sslProvider(standardProvider)
                .protocols(Rfc8998.PROTOCOL)
                .clientAuth(clientAuth.mode());
        if (clientAuth.standard() != null) {
            ChainVerifyingTrustManager.Engine engine = standardProvider == SslProvider.JDK
                    ? ChainVerifyingTrustManager.Engine.JDK
                    : ChainVerifyingTrustManager.Engine.OPENSSL;
            builder.trustManager(new ChainVerifyingTrustManager(clientAuth.standard(), Purpose.CLIENT_AUTH, engine));
        }
        LOG.debug("standard TLS 1.3 context for {} on {}", credential, standardProvider);
        return builder.build();
    }

    private SSLContext smContext(CertificateCredential credential)
            throws NoSuchAlgorithmException, KeyManagementException {
        SSLContext context = SSLContext.getInstance(Rfc8998.PROTOCOL, BouncyCastle.JSSE);
        TrustManager[] trust = clientAuth.sm2() == null
                ? new TrustManager[] {RefusingTrustManager.INSTANCE}
                : new TrustManager[] {new ChainVerifyingTrustManager(clientAuth.sm2(), Purpose.CLIENT_AUTH,
                        ChainVerifyingTrustManager.Engine.BOUNCYCASTLE)};
        context.init(new KeyManager[] {new Sm2KeyManager(credential)}, trust, null);
        return context;
    }

    /** Fails at startup, naming the certificate, when a key doesn't belong to its certificate. */
    static void checkKeyPair(CertificateCredential credential) throws GeneralSecurityException {
        String algorithm = switch (credential.kind()) {
            case SM2 -> "SM3withSM2";
            case ECDSA -> "SHA256withECDSA";
            case RSA -> "SHA256withRSA";
        };
        byte[] probe = "gm-tls-proxy key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm, BouncyCastle.PROVIDER);
        signer.initSign(credential.privateKey());
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm, BouncyCastle.PROVIDER);
        verifier.initVerify(credential.certificate().getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new IllegalArgumentException("the private key does not belong to the certificate "
                    + credential.certificate().getSubjectX500Principal());
        }
    }

    /** Builder of {@link Tls13ServerContexts}. */
    public static final class Builder {
        private final Tls13ServerCredentials credentials;
        private Tls13ClientAuth clientAuth = Tls13ClientAuth.none();
        private SslProvider standardProvider;
        private long handshakeTimeoutMillis = 10_000;

        private Builder(Tls13ServerCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
        }

        /** Client certificate policy; default {@link Tls13ClientAuth#none()}. */
        public Builder clientAuth(Tls13ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /** Forces the standard engine's provider; default {@link #fastestProvider()}. */
        public Builder standardProvider(SslProvider provider) {
            this.standardProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** Handshake timeout of each {@link SslHandler}; default 10 s. */
        public Builder handshakeTimeoutMillis(long millis) {
            if (millis <= 0) {
                throw new IllegalArgumentException("handshake timeout must be positive: " + millis);
            }
            this.handshakeTimeoutMillis = millis;
            return this;
        }

        /**
         * Builds the contexts.
         *
         * @throws GeneralSecurityException if a key does not match its certificate or a provider refuses it
         * @throws SSLException             if Netty can't build a context
         */
        public Tls13ServerContexts build() throws GeneralSecurityException, SSLException {
            return new Tls13ServerContexts(this);
        }
    }
}
