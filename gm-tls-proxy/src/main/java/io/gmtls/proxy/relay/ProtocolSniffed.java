package io.gmtls.proxy.relay;

/**
 * User event fired by the protocol sniffer once the first record header told which protocol the client
 * speaks, before the TLS or TLCP handler takes its place; the handlers behind it learn the protocol
 * family from it (for the metrics of handshakes that fail) instead of being looked up.
 *
 * @param family {@code TLCP} or {@code TLS}
 */
public record ProtocolSniffed(String family) {
}
