package io.gmtls.certsdev;

import java.util.Collection;

/** The little JSON writing the manifest needs (strings, numbers, booleans, lists); no parser. */
final class Json {
    private Json() {
    }

    /** Appends {@code "name":value,} unless the value is null. */
    static void field(StringBuilder out, String name, Object value) {
        if (value == null) {
            return;
        }
        string(out, name);
        out.append(':');
        value(out, value);
        out.append(',');
    }

    static void value(StringBuilder out, Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(',');
                }
                value(out, item);
                first = false;
            }
            out.append(']');
        } else {
            string(out, String.valueOf(value));
        }
    }

    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
