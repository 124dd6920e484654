package io.gmtls.tboxsim.transport;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.gmtls.tlcp.PeerProfile;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.netty.handler.ssl.SslProvider;

/**
 * What every connection of a run shares: the transport, the server's name (SNI, host name check, and
 * the key of the client session caches), the TLCP suites, the TLS 1.3 provider and the CAs the server
 * chain must lead to.
 *
 * @param kind             the transport
 * @param serverName       name expected in the server certificate (and sent as SNI)
 * @param port             the server port (part of the session cache key)
 * @param tlcpSuites       TLCP suites offered, in preference order
 * @param tlsProvider      engine for standard TLS 1.3 ({@link SslProvider#OPENSSL} or {@link SslProvider#JDK})
 * @param trust            CA certificates the server chain must lead to (and client chains are completed from)
 * @param handshakeTimeout TLS/TLCP handshake timeout
 * @param peerProfile      TLCP: whose client message forms to send (Tongsuo's, or GmSSL's for a GmSSL server; see
 *                         {@link PeerProfile})
 */
public record TransportSettings(TransportKind kind, String serverName, int port, List<TlcpCipherSuite> tlcpSuites,
        SslProvider tlsProvider, List<X509Certificate> trust, Duration handshakeTimeout, PeerProfile peerProfile) {

    public TransportSettings {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(peerProfile, "peerProfile");
        Objects.requireNonNull(serverName, "serverName");
        tlcpSuites = List.copyOf(tlcpSuites);
        trust = List.copyOf(trust);
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (kind == TransportKind.TLCP && tlcpSuites.isEmpty()) {
            throw new IllegalArgumentException("TLCP needs at least one cipher suite");
        }
        if (kind != TransportKind.PLAIN && trust.isEmpty()) {
            throw new IllegalArgumentException(kind + " needs CA certificates to verify the server");
        }
    }

    /** Settings with Tongsuo's TLCP message forms (what every gateway built on this project accepts). */
    public TransportSettings(TransportKind kind, String serverName, int port, List<TlcpCipherSuite> tlcpSuites,
            SslProvider tlsProvider, List<X509Certificate> trust, Duration handshakeTimeout) {
        this(kind, serverName, port, tlcpSuites, tlsProvider, trust, handshakeTimeout, PeerProfile.TONGSUO);
    }

    /** Settings for plain TCP. */
    public static TransportSettings plain(String host, int port) {
        return new TransportSettings(TransportKind.PLAIN, host, port, List.of(), SslProvider.JDK, List.of(),
                Duration.ofSeconds(10));
    }
}
