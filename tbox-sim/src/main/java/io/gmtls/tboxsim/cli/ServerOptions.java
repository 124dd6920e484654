package io.gmtls.tboxsim.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import io.gmtls.tboxsim.credentials.CredentialFolder;
import io.gmtls.tboxsim.transport.TransportKind;
import io.gmtls.tboxsim.transport.TransportSettings;
import io.gmtls.tlcp.PeerProfile;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import picocli.CommandLine.Option;

/** Where to connect and how to secure it: shared by every command. */
final class ServerOptions {

    @Option(names = "--host", defaultValue = "localhost", paramLabel = "HOST",
            description = "Gateway (or broker, with --transport plain) host. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "Port. Default: 1883 for plain, 8883 otherwise (enroll/renew: 8080 plain, 8443 otherwise).")
    Integer port;

    @Option(names = {"-t", "--transport"}, defaultValue = "tlcp", paramLabel = "KIND",
            converter = Converters.Transport.class,
            description = "plain (TCP, no gateway), tlcp (TLCP 1.1, SM2 dual certificates), tls13 (TLS 1.3 with "
                    + "the vehicle's ECDSA certificate) or tls13-sm (TLS 1.3 TLS_SM4_GCM_SM3, SM2 signing "
                    + "certificate). Default: ${DEFAULT-VALUE}.")
    TransportKind transport;

    @Option(names = "--suite", split = ",", paramLabel = "SUITE", converter = Converters.Suite.class,
            description = "TLCP suites to offer, in preference order: ECC_SM4_GCM_SM3, ECC_SM4_CBC_SM3, "
                    + "ECDHE_SM4_GCM_SM3, ECDHE_SM4_CBC_SM3 (or their OpenSSL names, e.g. ECC-SM2-SM4-GCM-SM3). "
                    + "Default: all four, ECDHE and GCM first.")
    List<TlcpCipherSuite> suites;

    @Option(names = "--peer-profile", paramLabel = "tongsuo|gmssl", converter = Converters.Profile.class,
            description = "TLCP: whose message forms to send — tongsuo (CertificateVerify over the SM3 hash of "
                    + "the handshake) or gmssl (for a GmSSL 3 server: CertificateVerify over the messages "
                    + "themselves, GmSSL's ECDHE key exchange, signing certificate alone on ECC suites, no "
                    + "session ticket extension). Default: tongsuo.")
    PeerProfile peerProfile;

    @Option(names = "--server-name", paramLabel = "NAME",
            description = "Name expected in the server certificate and sent as SNI. Default: --host.")
    String serverName;

    @Option(names = "--trust", paramLabel = "FILE",
            description = "PEM CA bundle the server certificate must lead to. Default: sm2/trust.pem (tlcp, tls13-sm) "
                    + "or ecdsa/trust.pem (tls13) in --pki.")
    Path trust;

    @Option(names = "--tls-provider", paramLabel = "openssl|jdk", converter = Converters.TlsProvider.class,
            description = "Engine for standard TLS 1.3: openssl (BoringSSL via netty-tcnative) or jdk. "
                    + "Default: openssl when it loads.")
    SslProvider tlsProvider;

    @Option(names = "--connect-timeout", defaultValue = "10s", paramLabel = "DURATION",
            converter = Converters.DurationValue.class, description = "TCP connect timeout. Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    @Option(names = "--handshake-timeout", defaultValue = "10s", paramLabel = "DURATION",
            converter = Converters.DurationValue.class,
            description = "TLS/TLCP handshake timeout. Default: ${DEFAULT-VALUE}.")
    Duration handshakeTimeout;

    int port(int plainDefault, int secureDefault) {
        int p = port != null ? port : transport == TransportKind.PLAIN ? plainDefault : secureDefault;
        if (p < 1 || p > 65_535) {
            throw new IllegalArgumentException("--port: 1..65535, was " + p);
        }
        return p;
    }

    String serverName() {
        return serverName != null ? serverName : host;
    }

    InetSocketAddress address(int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new CliFailure("--host: cannot resolve '" + host + "'");
        }
    }

    /** The run's transport settings; reads the trust bundle. */
    TransportSettings settings(int port, Path pki) {
        positive(connectTimeout, "--connect-timeout");
        positive(handshakeTimeout, "--handshake-timeout");
        if (suites != null && transport != TransportKind.TLCP) {
            throw new IllegalArgumentException("--suite: only for --transport tlcp");
        }
        if (peerProfile != null && transport != TransportKind.TLCP) {
            throw new IllegalArgumentException("--peer-profile: only for --transport tlcp");
        }
        List<TlcpCipherSuite> tlcpSuites = suites != null ? List.copyOf(suites) : TlcpContext.DEFAULT_SUITES;
        if (tlcpSuites.stream().distinct().count() != tlcpSuites.size()) {
            throw new IllegalArgumentException("--suite: a suite is listed twice");
        }
        if (tlsProvider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            throw new CliFailure("--tls-provider openssl: netty-tcnative does not load here; use --tls-provider jdk");
        }
        SslProvider provider = tlsProvider != null ? tlsProvider
                : OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        List<X509Certificate> cas = transport == TransportKind.PLAIN ? List.of() : trustBundle(pki);
        return new TransportSettings(transport, serverName(), port, tlcpSuites, provider, cas, handshakeTimeout,
                peerProfile != null ? peerProfile : PeerProfile.TONGSUO);
    }

    private List<X509Certificate> trustBundle(Path pki) {
        Path file = trust;
        if (file == null) {
            if (pki == null) {
                throw new IllegalArgumentException("--trust or --pki: " + transport + " needs the CAs of the server");
            }
            CredentialFolder folder = new CredentialFolder(pki, null);
            file = transport.usesSm2() ? folder.sm2Trust() : folder.ecdsaTrust();
        }
        if (!Files.isRegularFile(file)) {
            throw new CliFailure("trust bundle " + file + " does not exist");
        }
        try {
            return CredentialFolder.bundle(file);
        } catch (IOException e) {
            throw new CliFailure(e.getMessage(), e);
        }
    }

    static void positive(Duration d, String option) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(option + ": must be positive");
        }
    }
}
