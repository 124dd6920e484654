package io.gmtls.proxy.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per connection, written when it closes, to the logger {@value #LOGGER}:
 * {@code conn=… listener=… client=ip:port protocol=… suite=… sni=… cn=… serial=… upstream=group/ip:port
 * bytes_up=… bytes_down=… duration_ms=… close=…}. Values with spaces or quotes are quoted, control
 * characters escaped: a hostile CN cannot forge a line.
 */
public final class AccessLog {

    /** Name of the dedicated logger (route it to its own appender in logback.xml). */
    public static final String LOGGER = "io.gmtls.proxy.access";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {
    }

    /** True when access lines are written at all. */
    static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    static void write(StringBuilder line) {
        LOG.info("{}", line);
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
