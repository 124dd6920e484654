package io.gmtls.proxy.relay;

import java.net.InetSocketAddress;

import io.gmtls.proxy.metrics.RateLimitedLog;
import io.gmtls.proxy.upstream.UpstreamGroup;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ConnectionFactsBuilder;
import io.gmtls.proxyprotocol.ConnectionId;
import io.gmtls.proxyprotocol.EncodedHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/** The PPv2 header of a connection, built fresh from what the handshake established. */
final class ProxyHeaders {

    private ProxyHeaders() {
    }

    /**
     * Encodes the header with the group's encoder: client and gateway addresses, the connection id and,
     * after a handshake, protocol, suite, SNI and the client's signing certificate. TLVs the group's size
     * cap leaves out are warned about (rate-limited).
     *
     * @param handshake what the handshake established, or null on a plaintext listener
     * @throws RuntimeException when the header cannot be built
     */
    static ByteBuf encode(ConnectionState state, HandshakeFacts handshake, UpstreamGroup group,
            RateLimitedLog warnings) {
        Channel front = state.front();
        ConnectionFactsBuilder builder = ConnectionFacts.builder()
                .source((InetSocketAddress) front.remoteAddress())
                .destination((InetSocketAddress) front.localAddress())
                .connectionId(ConnectionId.of(state.id()));
        if (handshake != null) {
            builder.protocol(handshake.protocol()).cipher(handshake.suite()).serverName(handshake.serverName());
            if (handshake.identity() != null) {
                // Computed once per distinct client chain (PeerIdentity): the same facts as from the certificate.
                builder.clientCertificate(handshake.identity().ppv2OrThrow(), 0);
            }
        }
        EncodedHeader header = group.encoder().encode(builder.build());
        if (!header.leftOut().isEmpty()) {
            warnings.warn("ppv2_left_out:" + group.name(), "upstream group " + group.name()
                    + ": PPv2 TLVs " + header.leftOut() + " left out to stay under "
                    + group.encoder().options().maxHeaderBytes() + " bytes");
        }
        return header.toByteBuf();
    }
}
