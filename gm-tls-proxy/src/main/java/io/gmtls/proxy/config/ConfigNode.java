package io.gmtls.proxy.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mapping of the parsed YAML with its key path, offering typed reads that fail with a
 * {@link ConfigException} naming file and key. Every key read is remembered, so that
 * {@link #checkNoUnknownKeys()} can refuse typos instead of silently ignoring them.
 */
final class ConfigNode {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    /** Upper bound for any duration in the file: keeps arithmetic on it far from overflow. */
    private static final Duration MAX_DURATION = Duration.ofDays(3650);

    private final Path file;
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> read = new LinkedHashSet<>();

    ConfigNode(Path file, String path, Map<String, Object> values) {
        this.file = file;
        this.path = path;
        this.values = values;
    }

    /** Wraps a value that must be a mapping. */
    static ConfigNode of(Path file, String path, Object value) throws ConfigException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new ConfigException(file, path, "expected a mapping (key: value), found " + describe(value));
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name)) {
                throw new ConfigException(file, path, "key " + entry.getKey() + " is not a string");
            }
            copy.put(name, entry.getValue());
        }
        return new ConfigNode(file, path, copy);
    }

    Path file() {
        return file;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    ConfigException error(String name, String problem) {
        return new ConfigException(file, key(name), problem);
    }

    ConfigException error(String name, String problem, Throwable cause) {
        return new ConfigException(file, key(name), problem, cause);
    }

    boolean has(String name) {
        read.add(name);
        return values.get(name) != null;
    }

    private Object raw(String name) {
        read.add(name);
        return values.get(name);
    }

    private Object required(String name) throws ConfigException {
        Object value = raw(name);
        if (value == null) {
            throw error(name, "is required");
        }
        return value;
    }

    String string(String name) throws ConfigException {
        Object value = required(name);
        if (!(value instanceof String s) || s.isBlank()) {
            throw error(name, "expected a non-empty string, found " + describe(value));
        }
        return s.trim();
    }

    Optional<String> optionalString(String name) throws ConfigException {
        return has(name) ? Optional.of(string(name)) : Optional.empty();
    }

    String string(String name, String fallback) throws ConfigException {
        return has(name) ? string(name) : fallback;
    }

    boolean bool(String name, boolean fallback) throws ConfigException {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw error(name, "expected true or false, found " + describe(value));
        }
        return b;
    }

    int integer(String name, int fallback, int min, int max) throws ConfigException {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer i)) {
            throw error(name, "expected an integer, found " + describe(value));
        }
        if (i < min || i > max) {
            throw error(name, "must be between " + min + " and " + max + ", was " + i);
        }
        return i;
    }

    /** A duration such as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}; a bare number means seconds. */
    Duration duration(String name, Duration fallback, Duration min) throws ConfigException {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        String text = value instanceof Integer i ? i + "s" : value instanceof String s ? s.trim() : null;
        Matcher m = text == null ? null : DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m == null || !m.matches() || m.group(1).length() > 9) {
            throw error(name, "expected a duration like 500ms, 10s, 5m or 1h, found " + describe(value));
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (d.compareTo(min) < 0) {
            throw error(name, "must be at least " + min.toMillis() + "ms, was " + text);
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            throw error(name, "must be at most 3650d, was " + text);
        }
        return d;
    }

    /** A file path, resolved against the config file's folder, that must exist and be readable. */
    Path existingFile(String name) throws ConfigException {
        return checkFile(name, resolve(string(name)));
    }

    Optional<Path> optionalExistingFile(String name) throws ConfigException {
        return has(name) ? Optional.of(existingFile(name)) : Optional.empty();
    }

    Path resolve(String text) {
        Path p = Path.of(text);
        Path dir = file.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
    }

    Path checkFile(String name, Path p) throws ConfigException {
        if (!Files.exists(p)) {
            throw error(name, "file " + p + " not found");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw error(name, "file " + p + " is not a readable regular file");
        }
        return p;
    }

    /** {@code host:port}, {@code [v6]:port} or {@code :port} (all addresses); host names are resolved now. */
    InetSocketAddress socketAddress(String name, boolean allowWildcard) throws ConfigException {
        return parseSocketAddress(name, string(name), allowWildcard);
    }

    InetSocketAddress parseSocketAddress(String name, String text, boolean allowWildcard) throws ConfigException {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw error(name, "expected host:port, found '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw error(name, "port of '" + text + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw error(name, "port " + port + " is outside 0..65535");
        }
        if (host.isEmpty() || host.equals("*")) {
            if (!allowWildcard) {
                throw error(name, "needs a host in '" + text + "'");
            }
            return new InetSocketAddress(port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw error(name, "host '" + host + "' does not resolve");
        }
    }

    ConfigNode child(String name) throws ConfigException {
        return of(file, key(name), required(name));
    }

    Optional<ConfigNode> optionalChild(String name) throws ConfigException {
        return has(name) ? Optional.of(child(name)) : Optional.empty();
    }

    /** A list (a missing key is an empty list). */
    List<Object> list(String name) throws ConfigException {
        Object value = raw(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(name, "expected a list, found " + describe(value));
        }
        return new ArrayList<>(list);
    }

    List<String> stringList(String name) throws ConfigException {
        Object value = raw(name);
        if (value instanceof String s) {
            return List.of(s.trim());
        }
        List<String> out = new ArrayList<>();
        List<Object> items = list(name);
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String s) || s.isBlank()) {
                throw new ConfigException(file, key(name) + "[" + i + "]",
                        "expected a non-empty string, found " + describe(items.get(i)));
            }
            out.add(s.trim());
        }
        return out;
    }

    List<ConfigNode> children(String name) throws ConfigException {
        List<ConfigNode> out = new ArrayList<>();
        List<Object> items = list(name);
        for (int i = 0; i < items.size(); i++) {
            out.add(of(file, key(name) + "[" + i + "]", items.get(i)));
        }
        return out;
    }

    /** Entries of a mapping whose keys are names chosen by the operator (e.g. upstream group names). */
    Map<String, ConfigNode> namedChildren(String name) throws ConfigException {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (!has(name)) {
            return out;
        }
        ConfigNode map = child(name);
        for (Map.Entry<String, Object> entry : map.values.entrySet()) {
            map.read.add(entry.getKey());
            out.put(entry.getKey(), of(file, map.key(entry.getKey()), entry.getValue()));
        }
        return out;
    }

    /** Refuses keys that no reader asked for: a typo must not silently turn a setting off. */
    void checkNoUnknownKeys() throws ConfigException {
        for (String name : values.keySet()) {
            if (!read.contains(name)) {
                throw error(name, "unknown key (known here: " + String.join(", ", read) + ")");
            }
        }
    }

    static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof String s) {
            return "'" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "'";
        }
        return value.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + value;
    }
}
