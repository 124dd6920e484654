package io.gmtls.proxy.tls;

import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.tls.ChainVerifyingTrustManager;
import io.gmtls.crypto.tls.Rfc8998;
import io.gmtls.crypto.tls.Sm2KeyManager;
import io.gmtls.crypto.tls.Sm2TlsCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

import io.gmtls.crypto.tls.CertificateChainVerifier.Purpose;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
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

    /** Every TLS 1.3 cipher suite the gateway can serve: RFC 8446's and RFC 8998's. */
    public static final List<String> SUPPORTED_CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", Rfc8998.CIPHER_SUITE_NAME);
    /** The default: all of them, AES-128-GCM first (fast with AES-NI, and what most clients prefer). */
    public static final List<String> DEFAULT_CIPHER_SUITES = SUPPORTED_CIPHER_SUITES;
    private static final List<String> STANDARD_CIPHER_SUITES = SUPPORTED_CIPHER_SUITES.subList(0, 3);

    private final Tls13ServerCredentials credentials;
    private final Tls13ClientAuth clientAuth;
    private final SslProvider standardProvider;
    private final Map<ServerIdentity, SslContext> standardContexts;
    private final Map<ServerIdentity, SSLContext> smContexts;
    private final BCSSLParameters smParameters;
    private final long handshakeTimeoutMillis;
    private final List<String> standardSuites;
    private final boolean smSuiteEnabled;

    private Tls13ServerContexts(Builder builder) throws GeneralSecurityException, SSLException {
        this.credentials = Objects.requireNonNull(builder.credentials, "credentials");
        this.clientAuth = Objects.requireNonNull(builder.clientAuth, "clientAuth");
        this.handshakeTimeoutMillis = builder.handshakeTimeoutMillis;
        this.standardSuites = builder.cipherSuites.stream().filter(n -> !n.equals(Rfc8998.CIPHER_SUITE_NAME)).toList();
        this.smSuiteEnabled = builder.cipherSuites.contains(Rfc8998.CIPHER_SUITE_NAME);
        this.standardProvider = standardProvider(builder.standardProvider, standardSuites);
        Set<ServerIdentity> identities = new LinkedHashSet<>();
        identities.add(credentials.defaultIdentity());
        identities.addAll(credentials.byHostName().values());
        Map<ServerIdentity, SslContext> standard = new IdentityHashMap<>();
        Map<ServerIdentity, SSLContext> sm = new IdentityHashMap<>();
        for (ServerIdentity identity : identities) {
            if (identity.standard() != null && standardSuites.isEmpty()) {
                throw new IllegalArgumentException("an ECDSA/RSA certificate is configured but no standard TLS 1.3 "
                        + "cipher suite is enabled (enabled: " + builder.cipherSuites + ")");
            }
            if (identity.sm2() != null && !smSuiteEnabled) {
                throw new IllegalArgumentException("an SM2 certificate is configured but " + Rfc8998.CIPHER_SUITE_NAME
                        + " is not enabled (enabled: " + builder.cipherSuites + ")");
            }
            if (identity.standard() != null) {
                identity.standard().checkKeyPair();
                standard.put(identity, standardContext(identity.standard()));
            }
            if (identity.sm2() != null) {
                identity.sm2().checkKeyPair();
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

    /**
     * BoringSSL serves every TLS 1.3 cipher suite whatever it is told, so a restricted list is only
     * honoured by the JDK engine: chosen automatically, refused when BoringSSL was asked for explicitly.
     */
    private static SslProvider standardProvider(SslProvider requested, List<String> standardSuites) {
        boolean restricted = !standardSuites.isEmpty()
                && !new LinkedHashSet<>(standardSuites).equals(new LinkedHashSet<>(STANDARD_CIPHER_SUITES));
        boolean boringSsl = isBoringSsl();
        if (requested == SslProvider.OPENSSL && restricted && boringSsl) {
            throw new IllegalArgumentException("BoringSSL cannot restrict TLS 1.3 cipher suites to " + standardSuites
                    + ": use the JDK engine, or enable all of " + STANDARD_CIPHER_SUITES);
        }
        if (requested != null) {
            return requested;
        }
        SslProvider fastest = fastestProvider();
        if (fastest == SslProvider.OPENSSL && restricted && boringSsl) {
            LOG.info("TLS 1.3 cipher suites restricted to {}: serving them with the JDK engine (BoringSSL can't)",
                    standardSuites);
            return SslProvider.JDK;
        }
        return fastest;
    }

    /** Whether Netty's native engine is BoringSSL (netty-tcnative-boringssl-static). */
    static boolean isBoringSsl() {
        return OpenSsl.isAvailable() && String.valueOf(OpenSsl.versionString()).contains("BoringSSL");
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
        boolean sm = smSuiteEnabled && identity.sm2() != null && (hello.offersRfc8998() || identity.standard() == null);
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
                .ciphers(standardSuites, IdentityCipherSuiteFilter.INSTANCE)
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
        // BCJSSE with the SM2 work on the project's kernel: several times cheaper per handshake than its JCA path.
        SSLContext context = SSLContext.getInstance(Rfc8998.PROTOCOL, Sm2TlsCryptoProvider.JSSE);
        TrustManager[] trust = clientAuth.sm2() == null
                ? new TrustManager[] {RefusingTrustManager.INSTANCE}
                : new TrustManager[] {new ChainVerifyingTrustManager(clientAuth.sm2(), Purpose.CLIENT_AUTH,
                        ChainVerifyingTrustManager.Engine.BOUNCYCASTLE)};
        context.init(new KeyManager[] {new Sm2KeyManager(credential)}, trust, null);
        return context;
    }

    /** Builder of {@link Tls13ServerContexts}. */
    public static final class Builder {
        private final Tls13ServerCredentials credentials;
        private List<String> cipherSuites = DEFAULT_CIPHER_SUITES;
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

        /**
         * TLS 1.3 cipher suites to serve, in the server's order of preference (standard engine); default
         * {@link #DEFAULT_CIPHER_SUITES}. Leaving {@value Rfc8998#CIPHER_SUITE_NAME} out turns the SM engine
         * off; leaving all standard suites out turns the standard engine off.
         *
         * @throws IllegalArgumentException for an unknown or repeated name, or an empty list
         */
        public Builder cipherSuites(List<String> suites) {
            List<String> copy = List.copyOf(suites);
            if (copy.isEmpty()) {
                throw new IllegalArgumentException("at least one TLS 1.3 cipher suite is needed");
            }
            for (String suite : copy) {
                if (!SUPPORTED_CIPHER_SUITES.contains(suite)) {
                    throw new IllegalArgumentException("unknown TLS 1.3 cipher suite '" + suite + "' (known: "
                            + String.join(", ", SUPPORTED_CIPHER_SUITES) + ")");
                }
            }
            if (new LinkedHashSet<>(copy).size() != copy.size()) {
                throw new IllegalArgumentException("a TLS 1.3 cipher suite is listed twice: " + copy);
            }
            this.cipherSuites = copy;
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
