package io.gmtls.brokeradapter.contract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One HTTP request template of {@code emqx/emqx.conf} (the authenticator, or the HTTP
 * authorization source), read from the shipped file, and rendered the way EMQX 5 renders it
 * ({@code emqx_auth_template:render_deep_for_json} then {@code emqx_utils_json:encode}): each
 * {@code ${placeholder}} in a body value is replaced by the client's value, an undefined one by the
 * empty string, and the body map becomes a JSON object of strings; headers are sent as written.
 *
 * <p>The reader understands the subset of HOCON the file uses ({@code key = "value"} lines inside
 * {@code body { }} and {@code headers { }} blocks) and fails loudly on anything else in them.
 */
record EmqxTemplate(String url, Map<String, String> headers, Map<String, String> body) {

    private static final Pattern ENTRY = Pattern.compile("^\\s*\"?([A-Za-z0-9_-]+)\"?\\s*=\\s*\"([^\"]*)\"\\s*$");
    private static final Pattern URL = Pattern.compile("^\\s*url\\s*=\\s*\"([^\"]+)\"\\s*$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The first {@code backend = http} / {@code type = http} block after {@code marker} in the file. */
    static EmqxTemplate read(Path conf, String marker) throws IOException {
        List<String> lines = Files.readAllLines(conf, StandardCharsets.UTF_8);
        int i = 0;
        while (i < lines.size() && !lines.get(i).trim().startsWith(marker)) {
            i++;
        }
        if (i == lines.size()) {
            throw new IllegalStateException(conf + ": no '" + marker + "'");
        }
        String url = null;
        Map<String, String> headers = null;
        Map<String, String> body = null;
        for (; i < lines.size() && (url == null || headers == null || body == null); i++) {
            String line = lines.get(i).trim();
            Matcher u = URL.matcher(line);
            if (u.matches() && url == null) {
                url = u.group(1);
            } else if (line.equals("headers {") && headers == null) {
                headers = new LinkedHashMap<>();
                i = block(lines, i + 1, headers, conf);
            } else if (line.equals("body {") && body == null) {
                body = new LinkedHashMap<>();
                i = block(lines, i + 1, body, conf);
            }
        }
        if (url == null || headers == null || body == null) {
            throw new IllegalStateException(conf + ": '" + marker + "' has no url, headers and body");
        }
        return new EmqxTemplate(url, Map.copyOf(headers), body);
    }

    private static int block(List<String> lines, int from, Map<String, String> into, Path conf) {
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.equals("}")) {
                return i;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException(conf + ":" + (i + 1) + ": not a key = \"value\" line: " + line);
            }
            into.put(m.group(1), m.group(2));
        }
        throw new IllegalStateException(conf + ": unterminated block");
    }

    /** The placeholders the body uses, e.g. {@code clientid}. */
    List<String> placeholders() {
        return body.values().stream().flatMap(v -> PLACEHOLDER.matcher(v).results().map(r -> r.group(1))).toList();
    }

    /** The JSON body EMQX sends for a client with these values (absent ones render as ""). */
    byte[] render(Map<String, String> values) {
        ObjectNode out = JSON.createObjectNode();
        body.forEach((key, template) -> {
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder rendered = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(rendered, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
            }
            m.appendTail(rendered);
            out.put(key, rendered.toString());
        });
        return JSON.writeValueAsBytes(out);
    }

    /** The path of the URL (the test sends it to its own CA's host and port). */
    String path() {
        int scheme = url.indexOf("://");
        int slash = url.indexOf('/', scheme + 3);
        return url.substring(slash);
    }
}
