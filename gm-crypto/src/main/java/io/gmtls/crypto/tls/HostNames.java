package io.gmtls.crypto.tls;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Host name checks: a server certificate's subjectAltName against the name a client dialled (RFC 6125). */
public final class HostNames {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostNames() {
    }

    /** Lower-case ASCII (A-label) form of a DNS name, without a trailing dot. */
    public static String normalise(String host) {
        String ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        return ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
    }

    /**
     * True when a dNSName (exact, or a wildcard standing for the whole left-most label) or, for an IP
     * literal, an iPAddress entry of the certificate matches {@code host}. The subject CN is not consulted.
     */
    public static boolean matches(X509Certificate certificate, String host) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names == null || host == null || host.isEmpty()) {
            return false;
        }
        boolean ipLiteral = isIpLiteral(host);
        String wanted = ipLiteral ? host : normalise(host);
        for (List<?> entry : names) {
            if (entry.size() < 2 || !(entry.get(0) instanceof Integer type) || !(entry.get(1) instanceof String value)) {
                continue;
            }
            if (ipLiteral && type == SAN_IP && sameAddress(value, host)) {
                return true;
            }
            if (!ipLiteral && type == SAN_DNS && dnsMatches(normalise(value), wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String host) {
        if (!pattern.startsWith("*.")) {
            return pattern.equals(host);
        }
        int dot = host.indexOf('.');
        // The wildcard covers exactly one label and never a bare public suffix like "*.com".
        return dot > 0 && pattern.indexOf('.', 2) > 0 && host.substring(dot).equals(pattern.substring(1));
    }

    public static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return java.util.Arrays.equals(
                    java.net.InetAddress.getByName(a).getAddress(), java.net.InetAddress.getByName(b).getAddress());
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
