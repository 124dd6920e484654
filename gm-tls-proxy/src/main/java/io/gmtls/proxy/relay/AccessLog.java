package io.gmtls.proxy.relay;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;

/**
 * One structured line per connection, written when it closes, to the logger {@value #LOGGER}:
 * {@code conn=… listener=… client=ip:port protocol=… suite=… sni=… cn=… serial=… upstream=group/ip:port
 * bytes_up=… bytes_down=… duration_ms=… close=…}. Values with spaces or quotes are quoted, control
 * characters escaped: a hostile CN cannot forge a line. Written by a listener on the client channel's
 * close future ({@link #onClose}), so every connection that got a pipeline gets one line.
 */
public final class AccessLog {

    /** Name of the dedicated logger (route it to its own appender in logback.xml). */
    public static final String LOGGER = "io.gmtls.proxy.access";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {
    }

    /**
     * A listener for the client channel's close future that writes the connection's line.
     *
     * @param listener  the listener's name
     * @param plaintext whether the listener relays without TLS (for the close reason of a client that went away)
     * @param written   false for the start-up warm-up's connections: their line is built but not written
     */
    static ChannelFutureListener onClose(ConnectionState state, String listener, boolean plaintext, boolean written) {
        return closed -> {
            // Written once the channel's handlers have seen channelInactive, as the line used to be written
            // from it: Netty completes the close future inside close() and fires channelInactive in a task
            // it queues right after, and reasons arrive from there (SslHandler reports a handshake cut
            // short by the close from its channelInactive) or later in the same call (TlcpSslHandler
            // closes, then reports its record_overflow). The first hop queues behind close(), the second
            // behind that channelInactive task.
            EventLoop loop = closed.channel().eventLoop();
            loop.execute(() -> loop.execute(() -> {
                state.closeReason(state.clientGoneReason(plaintext));
                if (enabled()) {
                    StringBuilder line = line(state, listener);
                    if (written) {
                        write(state.id(), line);
                    }
                }
            }));
        };
    }

    /** The access line of a connection. */
    static StringBuilder line(ConnectionState state, String listener) {
        StringBuilder line = new StringBuilder(256);
        field(line, "conn", state.id());
        field(line, "listener", listener);
        field(line, "client", address(state.front().remoteAddress()));
        field(line, "protocol", state.protocol());
        field(line, "suite", state.suite());
        field(line, "sni", state.serverName());
        field(line, "cn", state.commonName());
        field(line, "serial", state.serial());
        field(line, "upstream", state.upstream());
        field(line, "bytes_up", state.bytesUp());
        field(line, "bytes_down", state.bytesDown());
        field(line, "duration_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - state.startNanos()));
        field(line, "close", state.closeReason());
        return line;
    }

    private static String address(Object address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /** True when access lines are written at all. */
    static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /**
     * Writes an access line; the connection id also goes as the key-value pair {@code connection_id}, a
     * field of its own in JSON logs (GMTLS_LOG_FORMAT=json), the id PPv2 TLV 0x05 carries upstream.
     */
    static void write(String connectionId, StringBuilder line) {
        LOG.atInfo().addKeyValue("connection_id", connectionId).log("{}", line);
    }

    /** Appends {@code key=value} (with a leading space unless first), quoting where needed. */
    static StringBuilder field(StringBuilder sb, String key, Object value) {
        if (sb.length() > 0) {
            sb.append(' ');
        }
        sb.append(key).append('=');
        String text = value == null ? "-" : value.toString();
        boolean quote = text.isEmpty();
        for (int i = 0; i < text.length() && !quote; i++) {
            char c = text.charAt(i);
            quote = c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f;
        }
        if (!quote) {
            return sb.append(text);
        }
        sb.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < ' ' || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }
}
