package io.gmtls.brokeradapter.gate;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ConnectionId;
import io.netty.util.NetUtil;

/**
 * What the gate learnt about one client connection, written as exactly one log line when the
 * decision is made (or when the connection ends before one), on logger
 * {@code io.gmtls.brokeradapter.connections}:
 * <pre>
 * conn=17 decision=deny reason="CA denied" gateway=10.0.0.5:41000 client=10.8.1.2:50312 gw_conn=gw1-000042 cn=LGMDEV00000000001 clientid=LGMDEV00000000001 mqtt=5 ca_ms=12
 * </pre>
 * Client-supplied values are escaped and capped; passwords are never part of it. Event-loop confined.
 */
final class ConnectionRecord {

    private static final Logger LOG = LoggerFactory.getLogger("io.gmtls.brokeradapter.connections");

    private final long id;
    private final String gateway;
    private ConnectionFacts facts;
    private String clientId;
    private String mqttVersion;
    private Duration caTime;
    private boolean logged;
    private boolean bytesReceived;

    ConnectionRecord(long id, SocketAddress gateway) {
        this.id = id;
        this.gateway = address(gateway);
    }

    long id() {
        return id;
    }

    void facts(ConnectionFacts facts) {
        this.facts = facts;
    }

    void connect(String clientId, String mqttVersion) {
        this.clientId = clientId;
        this.mqttVersion = mqttVersion;
    }

    void caTime(Duration caTime) {
        this.caTime = caTime;
    }

    boolean logged() {
        return logged;
    }

    /** The peer has sent at least one byte. */
    void bytesReceived() {
        bytesReceived = true;
    }

    /** Whether the peer has sent anything yet. */
    boolean anyBytesReceived() {
        return bytesReceived;
    }

    /** Marks the line as written without writing it (a refusal logged elsewhere, e.g. once per address). */
    void suppress() {
        logged = true;
    }

    /** Writes the line once; later calls do nothing. */
    void decided(String decision, String reason) {
        if (logged) {
            return;
        }
        logged = true;
        if (LOG.isInfoEnabled()) {
            // The gateway's connection id as a field of its own in JSON logs (GMTLS_LOG_FORMAT=json).
            LOG.atInfo().addKeyValue("connection_id", gatewayConnectionId()).log(line(decision, reason));
        }
    }

    /**
     * A probe (the peer closed before sending a byte, e.g. a TCP health check): the line at DEBUG
     * only, so that health checks every few seconds do not fill the log. Later calls do nothing.
     */
    void probed(String reason) {
        if (logged) {
            return;
        }
        logged = true;
        if (LOG.isDebugEnabled()) {
            LOG.debug(line("probe", reason));
        }
    }

    /** The gateway's connection id from PPv2 TLV 0x05 (escaped), or "-". */
    String gatewayConnectionId() {
        return facts == null ? "-" : LogText.safe(facts.uniqueId().map(ConnectionId::asText).orElse("-"));
    }

    String line(String decision, String reason) {
        StringBuilder b = new StringBuilder(200);
        b.append("conn=").append(id)
                .append(" decision=").append(decision)
                .append(" reason=\"").append(LogText.safe(reason)).append('"')
                .append(" gateway=").append(gateway);
        if (facts != null) {
            b.append(" client=").append(address(facts.source()));
            b.append(" gw_conn=").append(LogText.safe(facts.uniqueId().map(ConnectionId::asText).orElse("-")));
            b.append(" cn=").append(LogText.safe(facts.commonName().orElse("-")));
            b.append(" serial=").append(facts.certificateSerial().orElse("-"));
        }
        if (clientId != null) {
            b.append(" clientid=").append(LogText.safe(clientId)).append(" mqtt=").append(mqttVersion);
        }
        if (caTime != null) {
            b.append(" ca_ms=").append(caTime.toMillis());
        }
        return b.toString();
    }

    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return NetUtil.toSocketAddressString(inet);
        }
        return String.valueOf(address);
    }
}
