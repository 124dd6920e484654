package io.gmtls.proxy.tls;

import io.gmtls.crypto.tls.HostNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which credentials the gateway presents for which SNI host name: a default plus entries by name.
 * Names are matched case-insensitively in their ASCII (A-label) form; an entry {@code *.example.com}
 * covers one label below example.com. Immutable.
 *
 * @param defaultIdentity used when the client sent no SNI or a name without an entry
 * @param byHostName      entries by host name (normalised on construction)
 */
public record Tls13ServerCredentials(ServerIdentity defaultIdentity, Map<String, ServerIdentity> byHostName) {

    /** @throws IllegalArgumentException on a null default, an empty or malformed name, or duplicate names */
    public Tls13ServerCredentials {
        Objects.requireNonNull(defaultIdentity, "defaultIdentity");
        Objects.requireNonNull(byHostName, "byHostName");
        Map<String, ServerIdentity> normalised = new LinkedHashMap<>();
        for (Map.Entry<String, ServerIdentity> entry : byHostName.entrySet()) {
            String name = normaliseEntry(entry.getKey());
            if (normalised.put(name, Objects.requireNonNull(entry.getValue(), name)) != null) {
                throw new IllegalArgumentException("host name '" + name + "' is configured twice");
            }
        }
        byHostName = Map.copyOf(normalised);
    }

    /** Credentials with only a default. */
    public static Tls13ServerCredentials of(ServerIdentity defaultIdentity) {
        return new Tls13ServerCredentials(defaultIdentity, Map.of());
    }

    /**
     * The identity for an SNI name: the exact entry, else the wildcard entry for its parent, else the
     * default.
     *
     * @param serverName the SNI host name as sent (any case), or null
     */
    public ServerIdentity forServerName(String serverName) {
        if (serverName == null || serverName.isEmpty()) {
            return defaultIdentity;
        }
        String name;
        try {
            name = HostNames.normalise(serverName);
        } catch (IllegalArgumentException malformed) {
            return defaultIdentity;
        }
        ServerIdentity exact = byHostName.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            ServerIdentity wildcard = byHostName.get("*" + name.substring(dot));
            if (wildcard != null) {
                return wildcard;
            }
        }
        return defaultIdentity;
    }

    private static String normaliseEntry(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("empty host name in the credentials map");
        }
        boolean wildcard = name.startsWith("*.");
        String normalised;
        try {
            normalised = HostNames.normalise(wildcard ? name.substring(2) : name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed host name '" + name + "'", e);
        }
        if (normalised.isEmpty() || normalised.contains("*")) {
            throw new IllegalArgumentException("malformed host name '" + name + "'");
        }
        return wildcard ? "*." + normalised : normalised;
    }
}
