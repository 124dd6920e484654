package io.gmtls.proxy.config;

import java.util.Locale;

/**
 * Sends connections whose SNI matches {@code serverName} to another upstream group. A leading
 * {@code *.} matches exactly one label below the rest.
 *
 * @param serverName host name, lower case
 * @param upstream   upstream group name
 */
public record SniRoute(String serverName, String upstream) {

    public SniRoute {
        serverName = serverName.toLowerCase(Locale.ROOT);
    }

    /** True when the SNI host name matches this route. */
    public boolean matches(String sni) {
        String name = sni.toLowerCase(Locale.ROOT);
        if (serverName.startsWith("*.")) {
            int dot = name.indexOf('.');
            return dot > 0 && name.substring(dot).equals(serverName.substring(1));
        }
        return serverName.equals(name);
    }
}
