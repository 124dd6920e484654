package io.gmtls.proxy.relay;

/**
 * User event fired by {@link ClientIdentityHandler} when a handshake has ended well and the client's
 * identity is known and not revoked: the relay may connect upstream.
 *
 * @param facts what the handshake established (protocol, suite, SNI, the client's verified certificates)
 */
record ClientIdentified(HandshakeFacts facts) {
}
