package io.gmtls.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gmtls.certsdev.Credential;
import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.certsdev.Vehicle;
import io.gmtls.proxy.relay.AccessLog;
import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import io.gmtls.crypto.tls.StandardTls13ClientContexts;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpContext;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

/**
 * Test support: a development PKI on disk (certs-dev), gateway configurations written as YAML next to
 * it, clients of every kind, and a capture of the access log.
 */
final class GatewayFixture {

    final Path dir;
    final Path pkiDir;
    final DevPki pki;

    GatewayFixture(Path dir) throws Exception {
        this.dir = dir;
        this.pkiDir = dir.resolve("pki");
        this.pki = DevPkiGenerator.write(pkiDir, DevPkiOptions.defaults().withVehicles(2));
    }

    /** Settings of a test configuration; {@link #write} renders it. */
    static final class Settings {
        List<Integer> upstreamPorts = new ArrayList<>();
        String clientAuth = "required";
        String handshakeTimeout = "5s";
        String idleTimeout = "60s";
        int maxConnections = 1000;
        int maxPerSource = 1000;
        int acceptRate = 0;
        /** limits.maxHandshakes and maxHandshakesPerSource; null = the defaults. */
        Integer maxHandshakes;
        Integer maxHandshakesPerSource;
        String healthInterval = "100ms";
        String connectTimeout = "1s";
        int rise = 1;
        int fall = 1;
        String balance = "round-robin";
        boolean ppv2 = true;
        String crlRefresh = "1h";
        boolean watch = false;
        String pollInterval = "100ms";
        boolean plaintext = false;
        String tlsCertChain = "pki/ecdsa/gateway-chain.pem";
        String tlsCertKey = "pki/ecdsa/gateway.key";
        String drain = "5s";
        /** TLCP ticket key file, relative to the fixture folder; null = a random key per gateway. */
        String ticketKeys;
        /** When set, connections with this SNI go to the group "other" on {@link #routePort}. */
        String routeSni;
        int routePort;
        /** The admin bearer token (written to {@code admin.token}); null = no admin.tokenFile. */
        String adminToken = ADMIN_TOKEN;

        Settings upstreams(int... ports) {
            for (int p : ports) {
                upstreamPorts.add(p);
            }
            return this;
        }
    }

    /** The admin token test configurations use unless told otherwise. */
    static final String ADMIN_TOKEN = "test-admin-token-5f1c";

    /** Writes {@code gateway.yaml} for the settings and returns its path. */
    Path write(Settings s) throws IOException {
        String tokenLine = "";
        if (s.adminToken != null) {
            Files.writeString(dir.resolve("admin.token"), s.adminToken + "\n", StandardCharsets.UTF_8);
            tokenLine = "  tokenFile: admin.token\n";
        }
        String servers = s.upstreamPorts.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
        String listener = s.plaintext ? """
                  - name: plain
                    bind: "127.0.0.1:0"
                    upstream: brokers
                    plaintext: true
                """ : """
                  - name: mqtt
                    bind: "127.0.0.1:0"
                    upstream: brokers
                    clientAuth: %s
                    tlcp:
                      signCert: pki/sm2/gateway-sign-chain.pem
                      signKey: pki/sm2/gateway-sign.key
                      encCert: pki/sm2/gateway-enc.crt
                      encKey: pki/sm2/gateway-enc.key
                      trust: pki/sm2/trust.pem
                %s    tls:
                      certificates:
                        - chain: %s
                          key: %s
                        - chain: pki/sm2/gateway-tls13-chain.pem
                          key: pki/sm2/gateway-tls13.key
                      trust: [pki/ecdsa/trust.pem, pki/sm2/trust.pem]
                """.formatted(s.clientAuth, s.ticketKeys == null ? "" : "      ticketKeys: " + s.ticketKeys + "\n",
                s.tlsCertChain, s.tlsCertKey);
        String routes = s.routeSni == null ? "" : """
                    routes:
                      - sni: %s
                        upstream: other
                """.formatted(s.routeSni);
        String other = s.routeSni == null ? "" : """
                  other:
                    servers: ["127.0.0.1:%d"]
                    healthCheck: {interval: %s, timeout: 500ms, rise: 1, fall: 1}
                """.formatted(s.routePort, s.healthInterval);
        String yaml = """
                nodeId: gwtest
                listeners:
                %s%s    limits:
                      maxConnections: %d
                      maxConnectionsPerSource: %d
                      acceptRate: %d
                      handshakeTimeout: %s
                      idleTimeout: %s
                %supstreams:
                  brokers:
                    balance: %s
                    servers: [%s]
                    connectTimeout: %s
                    healthCheck: {interval: %s, timeout: 500ms, rise: %d, fall: %d}
                    proxyProtocol:
                      enabled: %s
                      crc32c: true
                %srevocation:
                  refreshInterval: %s
                  crls:
                    - name: sm2-issuing
                      source: pki/sm2/issuing-ca.crl
                      issuer: pki/sm2/issuing-ca.crt
                    - name: ecdsa-issuing
                      source: pki/ecdsa/issuing-ca.crl
                      issuer: pki/ecdsa/issuing-ca.crt
                admin:
                  bind: "127.0.0.1:0"
                %sreload:
                  watch: %s
                  pollInterval: %s
                shutdown:
                  drainTimeout: %s
                """.formatted(listener, routes, s.maxConnections, s.maxPerSource, s.acceptRate, s.handshakeTimeout,
                s.idleTimeout, handshakeLimits(s), s.balance, servers, s.connectTimeout, s.healthInterval, s.rise, s.fall, s.ppv2,
                other, s.crlRefresh, tokenLine, s.watch, s.pollInterval, s.drain);
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private static String handshakeLimits(Settings s) {
        String out = "";
        if (s.maxHandshakes != null) {
            out += "      maxHandshakes: " + s.maxHandshakes + "\n";
        }
        if (s.maxHandshakesPerSource != null) {
            out += "      maxHandshakesPerSource: " + s.maxHandshakesPerSource + "\n";
        }
        return out;
    }

    Vehicle vehicle(int i) {
        return pki.vehicles().get(i);
    }

    /** A TLCP client context for a vehicle, offering one suite. */
    TlcpContext tlcpClient(Vehicle vehicle, TlcpCipherSuite suite) {
        return TlcpContext.builder()
                .signing(vehicle.sign().privateKey(), vehicle.sign().chain())
                .encryption(vehicle.enc().privateKey(), vehicle.enc().certificate())
                .trustAnchors(pki.sm2Trust())
                .cipherSuites(List.of(suite))
                .build();
    }

    static SslHandler tlcpHandler(TlcpContext context, int port) {
        return new SslHandler(context.newClientEngine("localhost", port));
    }

    /** A JDK TLS 1.3 client with the vehicle's ECDSA certificate. */
    SslContext jdkClient(Vehicle vehicle) throws Exception {
        return StandardTls13ClientContexts.netty(credential(vehicle.ecdsa()), pki.ecdsaTrust(), SslProvider.JDK);
    }

    static SslHandler tlsHandler(SslContext context, int port) {
        return context.newHandler(ByteBufAllocator.DEFAULT, "localhost", port);
    }

    /** A BouncyCastle RFC 8998 client with the vehicle's SM2 signing certificate. */
    Sm2Tls13ClientEngines sm2Client(Vehicle vehicle) throws Exception {
        return Sm2Tls13ClientEngines.create(credential(vehicle.sign()), pki.sm2Trust());
    }

    static CertificateCredential credential(Credential c) {
        return new CertificateCredential(c.privateKey(), c.chain().stream().map(X509Certificate.class::cast).toList());
    }

    /** Captures access-log lines. */
    static ListAppender<ILoggingEvent> captureAccessLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    /** Waits for an access-log line containing every fragment. */
    static String awaitAccessLine(ListAppender<ILoggingEvent> appender, String... fragments) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            for (ILoggingEvent event : accessLines(appender)) {
                String line = event.getFormattedMessage();
                boolean all = true;
                for (String f : fragments) {
                    all &= line.contains(f);
                }
                if (all) {
                    return line;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no access-log line with " + List.of(fragments) + " in " + accessLines(appender));
    }

    /**
     * A snapshot of the captured lines. The gateway's event loops append under the appender's own lock
     * (AppenderBase.doAppend is synchronized on the appender), not the list's: copy under that lock.
     */
    static List<ILoggingEvent> accessLines(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }
}
