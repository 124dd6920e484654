package io.gmtls.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A {@code host:port} as written in a configuration file: {@code host:port}, {@code [v6]:port}, or
 * {@code :port} / {@code *:port} for all addresses (where a listener allows it). The host is kept as
 * written; {@link #resolve()} looks it up.
 *
 * @param host the host name or IP literal without brackets; empty for all addresses
 * @param port 0..65535
 */
public record HostPort(String host, int port) {

    /** Checks the port range. */
    public HostPort {
        Objects.requireNonNull(host, "host");
        Ranges.check("port", port, 0, 65535);
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static HostPort parse(String text) {
        String t = text.trim();
        String host;
        String portText;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [IPv6]:port, found '" + t + "'");
            }
            host = t.substring(1, close);
            portText = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected host:port, found '" + t + "'");
            }
            host = t.substring(0, colon);
            portText = t.substring(colon + 1);
        }
        if (!portText.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("port of '" + t + "' is not a number");
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        return new HostPort(host.equals("*") ? "" : host, port);
    }

    /** True for {@code :port} and {@code *:port}: all local addresses. */
    public boolean wildcard() {
        return host.isEmpty();
    }

    /**
     * The socket address, its host name looked up now.
     *
     * @throws UnknownHostException when the host does not resolve
     */
    public InetSocketAddress resolve() throws UnknownHostException {
        return wildcard() ? new InetSocketAddress(port) : new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
