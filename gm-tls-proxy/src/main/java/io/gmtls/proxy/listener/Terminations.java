package io.gmtls.proxy.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

import io.gmtls.config.ConfigException;
import io.gmtls.proxy.config.GatewayConfig;
import io.gmtls.proxy.config.ListenerConfig;
import io.gmtls.proxy.config.ListenerConfig.ClientAuthMode;
import io.gmtls.proxy.config.Secret;
import io.gmtls.proxy.config.TlcpConfig;
import io.gmtls.proxy.config.TlsConfig;
import io.gmtls.proxy.revocation.RevocationService;
import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.proxy.tls.ServerIdentity;
import io.gmtls.proxy.tls.Tls13ClientAuth;
import io.gmtls.proxy.tls.Tls13EngineSelector;
import io.gmtls.proxy.tls.Tls13ServerContexts;
import io.gmtls.proxy.tls.Tls13ServerCredentials;
import io.gmtls.tlcp.ClientAuth;
import io.gmtls.tlcp.TicketKeySet;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.ssl.SslHandler;

/**
 * Builds a listener's TLCP and TLS 1.3 terminations from its configuration: reads certificates and keys,
 * checks they belong together, and makes the engine contexts. Every failure is a {@link ConfigException}
 * naming the file and key, so a reload with a broken file is refused before anything is swapped.
 */
public final class Terminations {

    /** Margin by which the engines' own timeouts trail the gateway's handshake timeout (which then wins). */
    private static final long ENGINE_TIMEOUT_MARGIN_MILLIS = 1_000;

    private Terminations() {
    }

    /** The TLCP termination of listener {@code index}. */
    public static TlcpTermination tlcp(GatewayConfig config, int index, TlcpConfig tlcp, ListenerConfig listener,
            RevocationService revocation) throws ConfigException {
        String key = "listeners[" + index + "].tlcp.";
        List<X509Certificate> signChain = certificates(config, key + "sign-cert", tlcp.signCert());
        PrivateKey signKey = privateKey(config, key + "sign-key", tlcp.signKey());
        X509Certificate encCert = certificates(config, key + "enc-cert", tlcp.encCert()).get(0);
        PrivateKey encKey = privateKey(config, key + "enc-key", tlcp.encKey());
        checkSm2(config, key + "sign-cert", signChain.get(0));
        checkSm2(config, key + "enc-cert", encCert);
        TlcpContext.Builder builder = TlcpContext.builder()
                .signing(signKey, signChain)
                .encryption(encKey, encCert)
                .cipherSuites(tlcp.cipherSuites())
                .clientAuth(switch (listener.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRED -> ClientAuth.REQUIRED;
                })
                .revocationChecker(revocation::status)
                .sessionCacheSize(tlcp.sessionCacheSize())
                .sessionTimeout(tlcp.sessionTimeout());
        if (tlcp.trust().isPresent()) {
            builder.trustAnchors(certificates(config, key + "trust", tlcp.trust().get()));
        }
        if (tlcp.sessionTickets()) {
            builder.ticketKeys(ticketKeys(config, key + "ticket-keys", tlcp.ticketKeys()));
        }
        TlcpContext context;
        try {
            context = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigException(config.file(), "listeners[" + index + "].tlcp", e.getMessage(), e);
        }
        return tlcp(context);
    }

    /**
     * The TLCP termination serving with {@code context}: the listeners' (built from their configuration
     * above) and the start-up warm-up's (a throwaway context of its own) are made the same way.
     */
    public static TlcpTermination tlcp(TlcpContext context) {
        return new TlcpTermination() {
            @Override
            public SslHandler newHandler(io.netty.buffer.ByteBufAllocator allocator) {
                SslHandler handler = new TlcpSslHandler(context.newServerEngine());
                // The relay's handshake timeout covers the whole handshake and names the reason.
                handler.setHandshakeTimeoutMillis(0);
                return handler;
            }

            @Override
            public boolean offersResumableSession(byte[] sessionId, byte[] ticket) {
                return context.offersResumableSession(sessionId, ticket);
            }
        };
    }

    /** The shared ticket keys from the file, or one random key when there is no file. */
    private static TicketKeySet ticketKeys(GatewayConfig config, String key, Optional<Path> file)
            throws ConfigException {
        if (file.isEmpty()) {
            return TicketKeySet.generate();
        }
        try {
            return TicketKeySet.load(file.get());
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(config.file(), key, file.get() + ": " + e.getMessage(), e);
        }
    }

    /** The TLS 1.3 termination of listener {@code index}. */
    public static TlsTermination tls(GatewayConfig config, int index, TlsConfig tls, ListenerConfig listener,
            RevocationService revocation) throws ConfigException {
        String key = "listeners[" + index + "].tls.";
        CertificateCredential defaultStandard = null;
        CertificateCredential defaultSm2 = null;
        Map<String, CertificateCredential[]> named = new LinkedHashMap<>();
        for (int i = 0; i < tls.certificates().size(); i++) {
            TlsConfig.TlsCertificateConfig c = tls.certificates().get(i);
            String certKey = key + "certificates[" + i + "]";
            CertificateCredential credential;
            try {
                credential = Pem.credential(c.chain(), c.key(), passphrase(config));
            } catch (IOException e) {
                throw new ConfigException(config.file(), certKey, e.getMessage(), e);
            }
            boolean sm2 = credential.kind() == CertificateCredential.KeyKind.SM2;
            if (c.serverNames().isEmpty()) {
                if (sm2 ? defaultSm2 != null : defaultStandard != null) {
                    throw new ConfigException(config.file(), certKey, "a second default " + (sm2 ? "SM2" : "ECDSA/RSA")
                            + " certificate (give one of them server-names)");
                }
                if (sm2) {
                    defaultSm2 = credential;
                } else {
                    defaultStandard = credential;
                }
            }
            for (String name : c.serverNames()) {
                CertificateCredential[] pair = named.computeIfAbsent(name, n -> new CertificateCredential[2]);
                if (pair[sm2 ? 1 : 0] != null) {
                    throw new ConfigException(config.file(), certKey + ".server-names",
                            "server name '" + name + "' already has a " + (sm2 ? "SM2" : "ECDSA/RSA") + " certificate");
                }
                pair[sm2 ? 1 : 0] = credential;
            }
        }
        if (defaultStandard == null && defaultSm2 == null) {
            throw new ConfigException(config.file(), key + "certificates",
                    "one certificate without server-names is needed as the default");
        }
        List<X509Certificate> standardTrust = new ArrayList<>();
        List<X509Certificate> sm2Trust = new ArrayList<>();
        for (int i = 0; i < tls.trust().size(); i++) {
            for (X509Certificate ca : certificates(config, key + "trust[" + i + "]", tls.trust().get(i))) {
                (isSm2(ca) ? sm2Trust : standardTrust).add(ca);
            }
        }
        Tls13ServerContexts contexts;
        try {
            Map<String, ServerIdentity> byName = new LinkedHashMap<>();
            named.forEach((name, pair) -> byName.put(name, new ServerIdentity(pair[0], pair[1])));
            Tls13ServerCredentials credentials = new Tls13ServerCredentials(
                    new ServerIdentity(defaultStandard, defaultSm2), byName);
            Tls13ClientAuth clientAuth = listener.clientAuth() == ClientAuthMode.NONE
                    ? Tls13ClientAuth.none()
                    : Tls13ClientAuth.of(listener.clientAuth() == ClientAuthMode.REQUIRED
                            ? io.netty.handler.ssl.ClientAuth.REQUIRE : io.netty.handler.ssl.ClientAuth.OPTIONAL,
                            standardTrust, sm2Trust, revocation::status);
            Tls13ServerContexts.Builder builder = Tls13ServerContexts.builder(credentials)
                    .clientAuth(clientAuth)
                    .handshakeTimeoutMillis(engineTimeout(listener));
            if (!tls.cipherSuites().isEmpty()) {
                builder.cipherSuites(tls.cipherSuites());
            }
            contexts = builder.build();
        } catch (Exception e) {
            throw new ConfigException(config.file(), key.substring(0, key.length() - 1), e.getMessage(), e);
        }
        return tls(contexts, listener);
    }

    /**
     * The TLS 1.3 termination of {@code listener} serving with {@code contexts}: the listeners' and the
     * start-up warm-up's are made the same way.
     */
    public static TlsTermination tls(Tls13ServerContexts contexts, ListenerConfig listener) {
        long helloTimeout = engineTimeout(listener);
        return () -> new Tls13EngineSelector(contexts, Tls13EngineSelector.DEFAULT_MAX_CLIENT_HELLO_LENGTH, helloTimeout);
    }

    private static long engineTimeout(ListenerConfig listener) {
        return listener.limits().handshakeTimeout().toMillis() + ENGINE_TIMEOUT_MARGIN_MILLIS;
    }

    private static List<X509Certificate> certificates(GatewayConfig config, String key, Path file)
            throws ConfigException {
        try {
            return Pem.certificates(file);
        } catch (IOException e) {
            throw new ConfigException(config.file(), key, e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(GatewayConfig config, String key, Path file) throws ConfigException {
        char[] passphrase = passphrase(config);
        try {
            return Pem.privateKey(file, passphrase);
        } catch (IOException e) {
            throw new ConfigException(config.file(), key, e.getMessage(), e);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    private static char[] passphrase(GatewayConfig config) {
        Optional<Secret> secret = config.keyPassphrase();
        return secret.map(Secret::chars).orElse(null);
    }

    private static void checkSm2(GatewayConfig config, String key, X509Certificate certificate) throws ConfigException {
        if (!isSm2(certificate)) {
            throw new ConfigException(config.file(), key, "certificate " + certificate.getSubjectX500Principal().getName()
                    + " has no SM2 key (TLCP needs SM2 certificates)");
        }
    }

    /** True for an EC key on the SM2 curve, however the provider labels it. */
    static boolean isSm2(X509Certificate certificate) {
        try {
            AlgorithmIdentifier algorithm = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded())
                    .getAlgorithm();
            if (GMObjectIdentifiers.sm2encrypt.equals(algorithm.getAlgorithm())
                    || GMObjectIdentifiers.sm2sign.equals(algorithm.getAlgorithm())) {
                return true;
            }
            ASN1Encodable parameters = algorithm.getParameters();
            return parameters != null && GMObjectIdentifiers.sm2p256v1.equals(parameters.toASN1Primitive());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
