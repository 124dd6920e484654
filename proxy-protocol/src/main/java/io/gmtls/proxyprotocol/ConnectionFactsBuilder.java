package io.gmtls.proxyprotocol;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds {@link ConnectionFacts} from what the gateway knows after a handshake: addresses, session
 * facts (protocol, cipher, SNI, connection id) and the verified client signing certificate, from
 * which it computes CN, algorithm names, serial, SM3 fingerprint and issuer DN.
 *
 * <pre>{@code
 * ConnectionFacts facts = ConnectionFacts.builder()
 *         .source(clientAddress).destination(listenAddress)
 *         .protocol("TLCPv1.1").cipher("ECC-SM2-SM4-GCM-SM3")
 *         .serverName(sni)                       // may be null: no SNI sent
 *         .connectionId(ConnectionId.of(connId))
 *         .clientCertificate(signingCert, 0)     // 0 = the chain verified
 *         .build();
 * }</pre>
 *
 * <p>The TLS facts ({@code PP2_TYPE_SSL}) are present when a protocol, cipher, verify result or
 * client certificate was given. Without a client certificate the client flags are
 * {@code PP2_CLIENT_SSL} only and the verify result defaults to 1 ({@code X509_V_ERR_UNSPECIFIED}),
 * so that "verify = 0" always means "a client chain verified" (fail closed; HAProxy would send 0).
 * Not thread-safe; {@link #build()} may be called more than once.
 */
public final class ConnectionFactsBuilder {

    /** Verify result sent when no client certificate was presented: OpenSSL's {@code X509_V_ERR_UNSPECIFIED}. */
    public static final int VERIFY_NO_CLIENT_CERTIFICATE = 1;

    private InetSocketAddress source;
    private InetSocketAddress destination;
    private String protocol;
    private String cipher;
    private String serverName;
    private ConnectionId connectionId;
    private CertificateFacts certificate;
    private Integer verifyResult;
    private boolean sessionResumed;
    private boolean tls;

    ConnectionFactsBuilder() {
    }

    /** The client's address and port as the gateway sees it. */
    public ConnectionFactsBuilder source(InetSocketAddress source) {
        this.source = source;
        return this;
    }

    /** The gateway address and port the client connected to. */
    public ConnectionFactsBuilder destination(InetSocketAddress destination) {
        this.destination = destination;
        return this;
    }

    /** The negotiated protocol version, e.g. {@code TLCPv1.1} or {@code TLSv1.3}. */
    public ConnectionFactsBuilder protocol(String protocol) {
        this.protocol = protocol;
        this.tls = true;
        return this;
    }

    /** The negotiated cipher suite name, e.g. {@code ECC-SM2-SM4-GCM-SM3} or {@code TLS_SM4_GCM_SM3}. */
    public ConnectionFactsBuilder cipher(String cipher) {
        this.cipher = cipher;
        this.tls = true;
        return this;
    }

    /** The SNI host name the client sent; {@code null} or empty when it sent none. */
    public ConnectionFactsBuilder serverName(String serverName) {
        this.serverName = serverName == null || serverName.isEmpty() ? null : serverName;
        return this;
    }

    /** The gateway's id of this connection (the one in its logs). */
    public ConnectionFactsBuilder connectionId(ConnectionId connectionId) {
        this.connectionId = connectionId;
        return this;
    }

    /**
     * The client's signing certificate and the result of verifying its chain.
     *
     * @param signingCertificate the client's (TLCP: signing) end-entity certificate
     * @param verifyResult       0 when the chain verified, otherwise an OpenSSL-style {@code X509_V_ERR_*} code
     */
    public ConnectionFactsBuilder clientCertificate(X509Certificate signingCertificate, int verifyResult) {
        return clientCertificate(CertificateFacts.of(signingCertificate), verifyResult);
    }

    /** As {@link #clientCertificate(X509Certificate, int)} with facts computed earlier (e.g. once per session). */
    public ConnectionFactsBuilder clientCertificate(CertificateFacts certificateFacts, int verifyResult) {
        this.certificate = Objects.requireNonNull(certificateFacts, "certificateFacts");
        this.verifyResult = verifyResult;
        this.tls = true;
        return this;
    }

    /** Overrides the verify result, e.g. for a connection without a client certificate. */
    public ConnectionFactsBuilder verifyResult(int verifyResult) {
        this.verifyResult = verifyResult;
        this.tls = true;
        return this;
    }

    /**
     * Marks the session as resumed: the certificate was presented earlier in the session, not on
     * this connection ({@code PP2_CLIENT_CERT_SESS} without {@code PP2_CLIENT_CERT_CONN}).
     */
    public ConnectionFactsBuilder sessionResumed(boolean sessionResumed) {
        this.sessionResumed = sessionResumed;
        return this;
    }

    /**
     * Builds the facts.
     *
     * @throws NullPointerException     if an address is missing
     * @throws IllegalArgumentException if a value falls outside the TLV schema, naming the field
     */
    public ConnectionFacts build() {
        Optional<TlsFacts> tlsFacts = Optional.empty();
        if (tls) {
            int flags = TlsFacts.CLIENT_SSL;
            if (certificate != null) {
                flags |= TlsFacts.CLIENT_CERT_SESS | (sessionResumed ? 0 : TlsFacts.CLIENT_CERT_CONN);
            }
            int verify = verifyResult != null ? verifyResult
                    : certificate != null ? 0 : VERIFY_NO_CLIENT_CERTIFICATE;
            tlsFacts = Optional.of(new TlsFacts(flags, verify,
                    Optional.ofNullable(protocol),
                    certificate == null ? Optional.empty() : certificate.commonName(),
                    Optional.ofNullable(cipher),
                    certificate == null ? Optional.empty() : Optional.of(certificate.signatureAlgorithm()),
                    certificate == null ? Optional.empty() : Optional.of(certificate.keyAlgorithm())));
        }
        return new ConnectionFacts(
                Objects.requireNonNull(source, "source"),
                Objects.requireNonNull(destination, "destination"),
                tlsFacts,
                Optional.ofNullable(serverName),
                Optional.ofNullable(connectionId),
                certificate == null ? Optional.empty() : Optional.of(certificate.serialHex()),
                certificate == null ? Optional.empty() : Optional.of(certificate.sm3Fingerprint()),
                certificate == null ? Optional.empty() : Optional.of(certificate.issuerDn()));
    }
}
