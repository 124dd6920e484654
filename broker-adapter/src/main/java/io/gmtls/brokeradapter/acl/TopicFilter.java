package io.gmtls.brokeradapter.acl;

import java.util.Objects;

/**
 * The topic of an ACL rule: an MQTT topic filter with {@code +} and {@code #} wildcards, or, written
 * {@code "eq <filter>"} as in EMQX, a filter that only matches a request for exactly that string.
 *
 * <p>Two ways to match, because allow and deny rules must both fail closed when the request
 * itself is a filter with wildcards:
 * <ul>
 *   <li>{@link #covers}: every topic the request can touch is inside this filter (used for allow);</li>
 *   <li>{@link #intersects}: some topic is in both (used for deny).</li>
 * </ul>
 * As MQTT requires (§4.7.2), a wildcard in the first level never matches a topic starting with {@code $}.
 */
public final class TopicFilter {

    private static final int MAX_BYTES = 65535;

    private final String text;
    private final boolean exact;
    private final String[] levels;

    private TopicFilter(String text, boolean exact) {
        this.text = text;
        this.exact = exact;
        this.levels = text.split("/", -1);
    }

    /**
     * Parses a rule topic.
     *
     * @throws IllegalArgumentException if it is empty, too long, or has a misplaced wildcard
     */
    public static TopicFilter parse(String ruleTopic) {
        Objects.requireNonNull(ruleTopic, "ruleTopic");
        if (ruleTopic.startsWith("eq ")) {
            String filter = ruleTopic.substring(3);
            checkFilter(filter);
            return new TopicFilter(filter, true);
        }
        checkFilter(ruleTopic);
        return new TopicFilter(ruleTopic, false);
    }

    private static void checkFilter(String filter) {
        if (!isValidFilter(filter)) {
            throw new IllegalArgumentException("not a valid MQTT topic filter");
        }
    }

    /**
     * {@code true} for a syntactically valid MQTT topic filter: 1..65535 UTF-8 bytes, no NUL,
     * {@code +} and {@code #} only as whole levels and {@code #} only last.
     */
    public static boolean isValidFilter(String filter) {
        if (filter == null || filter.isEmpty() || filter.indexOf('\0') >= 0 || utf8Length(filter) > MAX_BYTES) {
            return false;
        }
        String[] parts = filter.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.equals("#")) {
                if (i != parts.length - 1) {
                    return false;
                }
            } else if (!p.equals("+") && (p.indexOf('#') >= 0 || p.indexOf('+') >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /**
     * {@code true} when every topic that {@code requested} (a topic name or a filter) can match is
     * matched by this filter. For an {@code eq} rule: when {@code requested} is that very string.
     */
    public boolean covers(String requested) {
        if (exact) {
            return text.equals(requested);
        }
        String[] req = requested.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String r = levels[i];
            if (r.equals("#")) {
                return !(i == 0 && req[0].startsWith("$"));
            }
            if (i >= req.length) {
                return false;
            }
            String q = req[i];
            if (r.equals("+")) {
                if (q.equals("#") || (i == 0 && q.startsWith("$"))) {
                    return false;
                }
            } else if (q.equals("+") || q.equals("#") || !r.equals(q)) {
                return false;
            }
        }
        return req.length == levels.length;
    }

    /**
     * {@code true} when at least one topic is matched both by this filter and by {@code requested}
     * (a topic name or a filter). For an {@code eq} rule: when {@code requested} is that very string.
     */
    public boolean intersects(String requested) {
        if (exact) {
            return text.equals(requested);
        }
        String[] req = requested.split("/", -1);
        for (int i = 0; ; i++) {
            boolean ruleEnded = i >= levels.length;
            boolean reqEnded = i >= req.length;
            if (ruleEnded && reqEnded) {
                return true;
            }
            // "a/#" also matches "a" itself, so a '#' facing the end of the other side still meets it.
            if (!ruleEnded && levels[i].equals("#")) {
                return !(i == 0 && !reqEnded && dollarLiteral(req[0]));
            }
            if (!reqEnded && req[i].equals("#")) {
                return !(i == 0 && !ruleEnded && dollarLiteral(levels[0]));
            }
            if (ruleEnded || reqEnded) {
                return false;
            }
            String r = levels[i];
            String q = req[i];
            if (r.equals("+") || q.equals("+")) {
                if (i == 0 && (dollarLiteral(r) || dollarLiteral(q))) {
                    return false;
                }
                continue;
            }
            if (!r.equals(q)) {
                return false;
            }
        }
    }

    private static boolean dollarLiteral(String level) {
        return level.startsWith("$");
    }

    @Override
    public String toString() {
        return exact ? "eq " + text : text;
    }
}
