package io.gmtls.tboxsim.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.CyclicBufferAppender;
import org.slf4j.LoggerFactory;

import io.gmtls.proxy.Gateway;
import io.gmtls.proxy.relay.AccessLog;
import io.gmtls.testsupport.GatewayYaml;
import io.gmtls.testsupport.GatewayYaml.Crl;
import io.gmtls.testsupport.GatewayYaml.Listener;
import io.gmtls.testsupport.GatewayYaml.Upstream;

/**
 * The real gm-tls-proxy, in-process, terminating TLCP and TLS 1.3 (ECDSA and RFC 8998) on one port in
 * front of a broker, with client certificates required and CRLs of the certs-dev PKI. PPv2 is off: the
 * machine's Mosquitto (2.0) cannot read it.
 *
 * <p>The gateway's access lines (one per connection, with its close reason) are kept in memory, the last
 * {@value #ACCESS_LINES_KEPT}, not printed: tests read them from {@link #recentAccessLines()} and put them
 * into a failed assertion's message, so that a connection the gateway closed says why in the CI log.
 */
public final class TestGateway implements AutoCloseable {

    private static final int ACCESS_LINES_KEPT = 300;

    private final Gateway gateway;
    private final int port;
    private final AccessCapture access;

    private TestGateway(Gateway gateway, AccessCapture access) throws InterruptedException {
        this.gateway = gateway;
        this.access = access;
        // Gateway.start may return just before the listener has recorded its bound channel: wait for it.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (gateway.listenerAddress("mqtt") == null) {
            if (System.nanoTime() - deadline > 0) {
                gateway.shutdown(Duration.ZERO);
                throw new IllegalStateException("the gateway's mqtt listener has no address");
            }
            Thread.sleep(5);
        }
        this.port = gateway.listenerAddress("mqtt").getPort();
    }

    /**
     * @param dir        folder holding {@code pki/} (a certs-dev folder); gateway.yaml is written next to it
     * @param brokerPort the upstream broker port on 127.0.0.1
     */
    public static TestGateway start(Path dir, int brokerPort) throws Exception {
        Path file = GatewayYaml.node("tbox-sim-test")
                .listener(Listener.devPki("mqtt", "brokers").clientAuth("required")
                        .limit("max-connections", 10000).limit("handshake-timeout", "10s").limit("idle-timeout", "120s"))
                .upstream(Upstream.of("brokers", brokerPort).balance("round-robin").connectTimeout("2s")
                        .healthCheck("200ms", "500ms", 1, 3).proxyProtocol(false))
                .revocation("1h", Crl.sm2Issuing(), Crl.ecdsaIssuing())
                .admin(null)
                .reload(false, null)
                .drainTimeout("1s")
                .writeTo(dir.resolve("gateway.yaml"));
        AccessCapture access = AccessCapture.attach();
        try {
            return new TestGateway(Gateway.start(file), access);
        } catch (Exception | Error e) {
            access.detach();
            throw e;
        }
    }

    /** The gateway's last access lines, oldest first: one per connection closed while this gateway ran. */
    public List<String> recentAccessLines() {
        return access.lines();
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            gateway.shutdown(Duration.ofSeconds(1));
        } finally {
            access.detach();
        }
    }

    /** The access logger routed into a ring buffer while a test gateway runs; its settings restored after. */
    private record AccessCapture(Logger logger, Level level, boolean additive,
            CyclicBufferAppender<ILoggingEvent> buffer) {

        static AccessCapture attach() {
            Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
            CyclicBufferAppender<ILoggingEvent> buffer = new CyclicBufferAppender<>();
            buffer.setName("test-gateway-access");
            buffer.setMaxSize(ACCESS_LINES_KEPT);
            buffer.setContext(logger.getLoggerContext());
            buffer.start();
            AccessCapture capture = new AccessCapture(logger, logger.getLevel(), logger.isAdditive(), buffer);
            logger.addAppender(buffer);
            logger.setLevel(Level.INFO);
            logger.setAdditive(false);
            return capture;
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            // The event loops append under the appender's lock (AppenderBase.doAppend): read under it too.
            synchronized (buffer) {
                for (int i = 0; i < buffer.getLength(); i++) {
                    lines.add(buffer.get(i).getFormattedMessage());
                }
            }
            return lines;
        }

        void detach() {
            logger.detachAppender(buffer);
            buffer.stop();
            logger.setLevel(level);
            logger.setAdditive(additive);
        }
    }
}
