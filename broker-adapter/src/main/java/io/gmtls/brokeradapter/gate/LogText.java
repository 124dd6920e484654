package io.gmtls.brokeradapter.gate;

/** Makes client-supplied text safe for a one-line log: control characters escaped, length capped. */
final class LogText {

    private static final int MAX_CHARS = 128;

    private LogText() {
    }

    static String safe(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_CHARS) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"' || c == '\\' || Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
