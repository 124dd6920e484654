package io.gmtls.proxy.relay;

import io.netty.channel.Channel;

/**
 * What one client connection's handlers share: its id, what the handshake established, the chosen
 * upstream, byte counts and the close reason — everything the access line reports — and the two
 * channels, so that any of them can close the connection. Written and read on the client channel's
 * event loop only (the upstream channel shares it), so nothing is locked.
 */
final class ConnectionState {

    private final String id;
    private final long startNanos = System.nanoTime();
    private final Channel front;
    private Channel back;
    private String family;
    private String protocol;
    private String suite;
    private String serverName;
    private String commonName;
    private String serial;
    private String upstream;
    private long bytesUp;
    private long bytesDown;
    private String closeReason;

    ConnectionState(String id, Channel front) {
        this.id = id;
        this.front = front;
    }

    /** The connection id (PPv2 UNIQUE_ID, {@code conn=} in the access line). */
    String id() {
        return id;
    }

    /** {@link System#nanoTime()} at accept. */
    long startNanos() {
        return startNanos;
    }

    Channel front() {
        return front;
    }

    /** The upstream channel once connected, else null. */
    Channel back() {
        return back;
    }

    void back(Channel channel) {
        this.back = channel;
    }

    /** {@code TLCP} or {@code TLS} once sniffed (for metrics of failed handshakes), else null. */
    String family() {
        return family;
    }

    void family(String protocolFamily) {
        this.family = protocolFamily;
    }

    /** The negotiated protocol, null until the handshake succeeded. */
    String protocol() {
        return protocol;
    }

    String suite() {
        return suite;
    }

    String serverName() {
        return serverName;
    }

    /** Records a successful handshake. */
    void handshake(String negotiatedProtocol, String negotiatedSuite, String sni) {
        this.protocol = negotiatedProtocol;
        this.suite = negotiatedSuite;
        this.serverName = sni;
    }

    String commonName() {
        return commonName;
    }

    String serial() {
        return serial;
    }

    /** Records the client certificate's CN and serial (hex) for the access line. */
    void client(String cn, String serialHex) {
        this.commonName = cn;
        this.serial = serialHex;
    }

    /** {@code group/label} of the upstream server, or null. */
    String upstream() {
        return upstream;
    }

    void upstream(String groupAndLabel) {
        this.upstream = groupAndLabel;
    }

    long bytesUp() {
        return bytesUp;
    }

    long bytesDown() {
        return bytesDown;
    }

    void addBytesUp(int n) {
        bytesUp += n;
    }

    void addBytesDown(int n) {
        bytesDown += n;
    }

    /** The close reason, or null while none was given. */
    String closeReason() {
        return closeReason;
    }

    /** Sets the close reason unless one is set: the first cause wins. */
    void closeReason(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    /** The close reason of a client that went away while no handler had given one. */
    String clientGoneReason(boolean plaintext) {
        return protocol == null && !plaintext ? "client_closed_during_handshake" : "client_closed";
    }

    /** Gives the close reason (unless one is set) and closes both sides at once. */
    void closeWith(String reason) {
        closeReason(reason);
        closeBoth();
    }

    /** Closes both sides at once, without flushing what the other side still has to write. */
    void closeBoth() {
        if (back != null) {
            back.close();
        }
        front.close();
    }
}
