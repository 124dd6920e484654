package io.gmtls.enrollment.ppv2;

import io.gmtls.proxyprotocol.ConnectionFacts;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, as the gateway vouched for it in the connection's PPv2 header, and nothing else: no
 * HTTP header ever adds to or overrides it.
 *
 * @param client       the T-Box's address as the gateway saw it (rate limits, audit)
 * @param certificate  the client certificate the gateway verified, if any
 * @param presentedUnverified true when the header says a certificate was presented but did not verify
 *                     (such a certificate is never used as a credential)
 * @param protocol     TLCPv1.1 / TLSv1.3, when the gateway sent it
 * @param connectionId the gateway's connection id, when sent (ties our audit lines to its logs)
 */
public record GatewayIdentity(InetSocketAddress client, Optional<VerifiedCertificate> certificate,
        boolean presentedUnverified, Optional<String> protocol, Optional<String> connectionId) {

    public GatewayIdentity {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(connectionId, "connectionId");
    }

    /**
     * The client's signing certificate as the gateway verified it.
     *
     * @param commonName subject CN (PPv2 SSL sub-TLV 0x22)
     * @param serial     serial, lowercase hex (TLV 0xE0), when the gateway sent it
     */
    public record VerifiedCertificate(String commonName, Optional<String> serial) {

        public VerifiedCertificate {
            Objects.requireNonNull(commonName, "commonName");
            Objects.requireNonNull(serial, "serial");
        }
    }

    /** Reads the identity out of decoded PPv2 facts. */
    public static GatewayIdentity of(ConnectionFacts facts) {
        Optional<VerifiedCertificate> certificate = Optional.empty();
        boolean unverified = false;
        if (facts.clientCertificateVerified() && facts.commonName().isPresent()) {
            certificate = Optional.of(new VerifiedCertificate(facts.commonName().get(), facts.certificateSerial()));
        } else if (facts.tls().map(t -> t.certificateOnConnection() || t.certificateInSession()).orElse(false)) {
            unverified = true;
        }
        return new GatewayIdentity(facts.source(), certificate, unverified,
                facts.tls().flatMap(t -> t.protocol()), facts.uniqueId().map(id -> id.asText()));
    }

    /** The client address as text (no port). */
    public String clientAddress() {
        return client.getAddress().getHostAddress();
    }

    /** A short description for audit details: address, protocol, gateway connection id. */
    public String describe() {
        return "from=" + clientAddress() + protocol.map(p -> " via=" + p).orElse("")
                + connectionId.map(id -> " conn=" + id).orElse("");
    }
}
