package io.gmtls.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

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
import io.gmtls.testsupport.GatewayYaml;
import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.KeyCert;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;
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
        /** limits.max-handshakes and max-handshakes-per-source; null = the defaults. */
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
        /** Revocation feed URLs; empty = no feed. Its key is {@link #FEED_KEY}, written to {@code feed.key}. */
        List<String> feedUrls = new ArrayList<>();
        String feedIdleTimeout = "2s";
        String feedBackoff = "50ms";
        /** limits.full-handshakes-per-second; null = the default (no budget). */
        Integer fullHandshakesPerSecond;
        /** The warm-up setting as YAML ({@code off}, or e.g. {@code "{handshakes: 20, max-time: 60s}"}). */
        String warmUp = "off";
        /** The admin bearer token (written to {@code admin.token}); null = no admin.token-file. */
        String adminToken = ADMIN_TOKEN;

        Settings upstreams(int... ports) {
            for (int p : ports) {
                upstreamPorts.add(p);
            }
            return this;
        }
    }

    /** The revocation feed API key test configurations use. */
    static final String FEED_KEY = "test-feed-key-9d2e";

    /** The admin token test configurations use unless told otherwise. */
    static final String ADMIN_TOKEN = "test-admin-token-5f1c";

    /** Writes {@code gateway.yaml} for the settings (on the shared test template) and returns its path. */
    Path write(Settings s) throws IOException {
        Listener listener = s.plaintext
                ? Listener.plaintext("plain", "brokers")
                : Listener.secure("mqtt", "brokers").clientAuth(s.clientAuth).tlcp().ticketKeys(s.ticketKeys)
                        .tls(List.of(new KeyCert(s.tlsCertChain, s.tlsCertKey), KeyCert.SM2_TLS13),
                                GatewayYaml.ECDSA_TRUST, GatewayYaml.SM2_TRUST);
        if (s.routeSni != null) {
            listener.route(s.routeSni, "other");
        }
        listener.limit("max-connections", s.maxConnections)
                .limit("max-connections-per-source", s.maxPerSource)
                .limit("accept-rate", s.acceptRate)
                .limit("handshake-timeout", s.handshakeTimeout)
                .limit("idle-timeout", s.idleTimeout);
        if (s.maxHandshakes != null) {
            listener.limit("max-handshakes", s.maxHandshakes);
        }
        if (s.maxHandshakesPerSource != null) {
            listener.limit("max-handshakes-per-source", s.maxHandshakesPerSource);
        }
        if (s.fullHandshakesPerSecond != null) {
            listener.limit("full-handshakes-per-second", s.fullHandshakesPerSecond);
        }
        GatewayYaml yaml = GatewayYaml.node("gwtest")
                .warmUp(s.warmUp)
                .listener(listener)
                .upstream(Upstream.of("brokers", s.upstreamPorts).balance(s.balance).connectTimeout(s.connectTimeout)
                        .healthCheck(s.healthInterval, "500ms", s.rise, s.fall).proxyProtocol(s.ppv2, true));
        if (s.routeSni != null) {
            yaml.upstream(Upstream.of("other", s.routePort).healthCheck(s.healthInterval, "500ms", 1, 1));
        }
        String tokenFile = null;
        if (s.adminToken != null) {
            Files.writeString(dir.resolve("admin.token"), s.adminToken + "\n", StandardCharsets.UTF_8);
            tokenFile = "admin.token";
        }
        if (!s.feedUrls.isEmpty()) {
            Files.writeString(dir.resolve("feed.key"), FEED_KEY + "\n", StandardCharsets.UTF_8);
            yaml.revocationFeed(new GatewayYaml.Feed(s.feedUrls, "feed.key", s.feedIdleTimeout, s.feedBackoff));
        }
        return yaml.revocation(s.crlRefresh, Crl.sm2Issuing(), Crl.ecdsaIssuing())
                .admin(tokenFile)
                .reload(s.watch, s.pollInterval)
                .drainTimeout(s.drain)
                .writeTo(dir.resolve("gateway.yaml"));
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
