package io.gmtls.tboxsim.transport;

import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.crypto.tls.StandardTls13ClientContexts;
import io.gmtls.tboxsim.credentials.Sm2VehicleCredentials;
import io.gmtls.tlcp.TlcpContext;
import io.gmtls.tlcp.TlcpSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * Makes the {@link ClientTransport} of each vehicle from the run's {@link TransportSettings}: a TLCP
 * context, a TLS 1.3 context or BouncyCastle RFC 8998 engines holding the vehicle's credential and its
 * own small session cache (so a reconnect resumes that vehicle's session, as a real T-Box would).
 */
public final class TransportFactory {

    /** Client sessions a vehicle keeps: it talks to one gateway address. */
    private static final int VEHICLE_SESSION_CACHE = 4;
    /** Verified server certificate signatures a vehicle remembers: one gateway's few certificates. */
    private static final int VEHICLE_CERTIFICATE_CACHE = 16;

    private final TransportSettings settings;

    public TransportFactory(TransportSettings settings) {
        this.settings = settings;
    }

    /** The settings. */
    public TransportSettings settings() {
        return settings;
    }

    /** A transport without a client certificate (plain TCP, or a server-authenticated handshake only). */
    public ClientTransport anonymous() throws GeneralSecurityException, SSLException {
        return switch (settings.kind()) {
            case PLAIN -> Plain.INSTANCE;
            case TLCP -> tlcp(TlcpContext.builder());
            case TLS13 -> tls13(null);
            case TLS13_SM -> sm(Sm2Tls13ClientEngines.create(null, settings.trust()));
        };
    }

    /**
     * A transport presenting an SM2 credential: both certificates over TLCP, the signing certificate over
     * TLS 1.3 (RFC 8998).
     *
     * @throws IllegalArgumentException for the standard TLS 1.3 or plain transport
     */
    public ClientTransport withSm2(Sm2VehicleCredentials credentials) throws GeneralSecurityException {
        return switch (settings.kind()) {
            case TLCP -> tlcp(TlcpContext.builder()
                    .signing(credentials.signKey(), credentials.signChain())
                    .encryption(credentials.encKey(), credentials.encCert()));
            case TLS13_SM -> sm(Sm2Tls13ClientEngines.create(credentials.signingCredential(), settings.trust()));
            default -> throw new IllegalArgumentException(settings.kind() + " does not use SM2 credentials");
        };
    }

    /**
     * A transport presenting an ECDSA (or RSA) credential over standard TLS 1.3.
     *
     * @throws IllegalArgumentException for the other transports
     */
    public ClientTransport withEcdsa(CertificateCredential credential) throws SSLException {
        if (settings.kind() != TransportKind.TLS13) {
            throw new IllegalArgumentException(settings.kind() + " does not use ECDSA credentials");
        }
        return tls13(credential);
    }

    private ClientTransport tlcp(TlcpContext.Builder builder) {
        TlcpContext context = builder.trustAnchors(settings.trust())
                .cipherSuites(settings.tlcpSuites())
                .peerProfile(settings.peerProfile())
                .sessionCacheSize(VEHICLE_SESSION_CACHE)
                .certificateCacheSize(VEHICLE_CERTIFICATE_CACHE)
                .build();
        return new Tlcp(context, settings);
    }

    private ClientTransport tls13(CertificateCredential credential) throws SSLException {
        SslContext context = StandardTls13ClientContexts.netty(credential, settings.trust(), settings.tlsProvider());
        return new Tls13(context, settings);
    }

    private ClientTransport sm(Sm2Tls13ClientEngines engines) {
        return new SmTls13(engines, settings);
    }

    private static SslHandler timed(SslHandler handler, TransportSettings settings) {
        handler.setHandshakeTimeout(settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return handler;
    }

    /** Plain TCP. */
    private enum Plain implements ClientTransport {
        INSTANCE;

        @Override
        public TransportKind kind() {
            return TransportKind.PLAIN;
        }

        @Override
        public void initPipeline(ChannelPipeline pipeline) {
            // Nothing: MQTT goes straight onto TCP.
        }

        @Override
        public boolean resumed(Channel channel) {
            return false;
        }
    }

    /** TLCP through our engine; the context's client cache resumes by session ID or ticket. */
    private record Tlcp(TlcpContext context, TransportSettings settings) implements ClientTransport {

        @Override
        public TransportKind kind() {
            return TransportKind.TLCP;
        }

        @Override
        public void initPipeline(ChannelPipeline pipeline) {
            SslHandler ssl = new SslHandler(context.newClientEngine(settings.serverName(), settings.port()));
            pipeline.addFirst(SSL_HANDLER, timed(ssl, settings));
        }

        @Override
        public boolean resumed(Channel channel) {
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            return ssl != null && ssl.engine().getSession() instanceof TlcpSession session && session.resumed();
        }
    }

    /** Standard TLS 1.3 on Netty (BoringSSL or the JDK); resumption seen in the ServerHello. */
    private record Tls13(SslContext context, TransportSettings settings) implements ClientTransport {

        @Override
        public TransportKind kind() {
            return TransportKind.TLS13;
        }

        @Override
        public void initPipeline(ChannelPipeline pipeline) {
            SslHandler ssl = context.newHandler(pipeline.channel().alloc(), settings.serverName(), settings.port());
            pipeline.addFirst(SSL_HANDLER, timed(ssl, settings));
            pipeline.addFirst(ServerHelloProbe.NAME, new ServerHelloProbe());
        }

        @Override
        public boolean resumed(Channel channel) {
            return ServerHelloProbe.resumed(channel);
        }
    }

    /** TLS 1.3 with TLS_SM4_GCM_SM3 on BouncyCastle's JSSE. */
    private record SmTls13(Sm2Tls13ClientEngines engines, TransportSettings settings) implements ClientTransport {

        @Override
        public TransportKind kind() {
            return TransportKind.TLS13_SM;
        }

        @Override
        public void initPipeline(ChannelPipeline pipeline) {
            SslHandler ssl = engines.newHandler(settings.serverName(), settings.port());
            pipeline.addFirst(SSL_HANDLER, timed(ssl, settings));
            pipeline.addFirst(ServerHelloProbe.NAME, new ServerHelloProbe());
        }

        @Override
        public boolean resumed(Channel channel) {
            return ServerHelloProbe.resumed(channel);
        }
    }
}
