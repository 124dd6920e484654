package io.gmtls.config;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
import java.util.function.Supplier;

/**
 * One mapping of a {@link ConfigDocument}, with its key path, offering typed reads that fail with a
 * {@link ConfigException} naming file and key. Names passed in are the kebab-case keys; with
 * {@link ConfigDocument.Spelling#KEBAB_OR_LEGACY_CAMEL} the camelCase spelling is found too, and error
 * messages name the key as the file spells it. Every key read is remembered, so that
 * {@link #checkNoUnknownKeys()} can refuse typos instead of silently ignoring them.
 */
public final class ConfigNode {

    private final ConfigDocument document;
    /** Key path as the file spells it, for messages. */
    private final String path;
    private final Map<String, Object> values;
    /** Canonical names asked for, in order: the "known here" list of the unknown-key message. */
    private final Set<String> known = new LinkedHashSet<>();
    /** Keys of {@link #values} that a reader consumed. */
    private final Set<String> consumed = new LinkedHashSet<>();

    private ConfigNode(ConfigDocument document, String path, Map<String, Object> values) {
        this.document = document;
        this.path = path;
        this.values = values;
    }

    static ConfigNode of(ConfigDocument document, String path, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new ConfigException(document.source(), path, "expected a mapping (key: value), found "
                    + describe(value), null);
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name)) {
                throw new ConfigException(document.source(), path, "key " + entry.getKey() + " is not a string", null);
            }
            copy.put(name, entry.getValue());
        }
        return new ConfigNode(document, path, copy);
    }

    /** The document this node belongs to. */
    public ConfigDocument document() {
        return document;
    }

    /** The full key path of {@code name} below this node, as the file spells it. */
    public String key(String name) {
        return join(path, spelled(name));
    }

    /** A problem with key {@code name} of this node. */
    public ConfigException error(String name, String problem) {
        return error(name, problem, null);
    }

    /** A problem with key {@code name} of this node, with its cause. */
    public ConfigException error(String name, String problem, Throwable cause) {
        return new ConfigException(document.source(), key(name), problem, cause);
    }

    /**
     * Builds a record from values read here; an {@link IllegalArgumentException} of its constructor
     * (a range or consistency check) becomes a {@link ConfigException} naming {@code name}.
     */
    public <T> T build(String name, Supplier<T> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage(), e);
        }
    }

    /**
     * True when the key is present with a mapping as its value (and counts it as read): for keys that
     * take either a scalar ({@code warm-up: off}) or a mapping.
     */
    public boolean isMapping(String name) {
        return raw(name) instanceof Map<?, ?>;
    }

    /** True when the key is present with a value (and counts it as read). */
    public boolean has(String name) {
        return raw(name) != null;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The key as the file spells it: the kebab name, or its legacy camelCase spelling if that is present. */
    private String spelled(String name) {
        if (values.containsKey(name) || document.spelling() != ConfigDocument.Spelling.KEBAB_OR_LEGACY_CAMEL) {
            return name;
        }
        String camel = camelCase(name);
        return values.containsKey(camel) ? camel : name;
    }

    private Object raw(String name) {
        known.add(name);
        String spelled = spelled(name);
        if (!spelled.equals(name)) {
            document.deprecated(spelled, name);
        } else if (document.spelling() == ConfigDocument.Spelling.KEBAB_OR_LEGACY_CAMEL) {
            String camel = camelCase(name);
            if (!camel.equals(name) && values.containsKey(camel)) {
                throw error(name, "is also written as " + camel + ": keep one (" + name + ")");
            }
        }
        consumed.add(spelled);
        return values.get(spelled);
    }

    private Object required(String name) {
        Object value = raw(name);
        if (value == null) {
            throw error(name, "is required");
        }
        return value;
    }

    /** {@code max-connections-per-source} → {@code maxConnectionsPerSource}. */
    static String camelCase(String kebab) {
        StringBuilder out = new StringBuilder(kebab.length());
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private String scalarText(String name, Object value) {
        if (value instanceof String s && !s.isBlank()) {
            return s.trim();
        }
        // Numbers read as text: a gateway list of 127.0.0.1 is a string, but an id written 42 is a number.
        if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
            return value.toString();
        }
        throw error(name, "expected a non-empty string, found " + describe(value));
    }

    /** A required string. */
    public String string(String name) {
        return scalarText(name, required(name));
    }

    /** A string, or empty when the key is absent. */
    public Optional<String> optionalString(String name) {
        Object value = raw(name);
        return value == null ? Optional.empty() : Optional.of(scalarText(name, value));
    }

    /** A string, or {@code fallback} when the key is absent. */
    public String string(String name, String fallback) {
        return optionalString(name).orElse(fallback);
    }

    /** {@code true} or {@code false}, or {@code fallback} when the key is absent. */
    public boolean bool(String name, boolean fallback) {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw error(name, "expected true or false, found " + describe(value));
        }
        return b;
    }

    /** A whole number within {@code min..max}, or {@code fallback} when the key is absent. */
    public int integer(String name, int fallback, int min, int max) {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        long number;
        if (value instanceof Integer || value instanceof Long) {
            number = ((Number) value).longValue();
        } else if (value instanceof String text && text.trim().matches("\\d{1,10}")) {
            number = Long.parseLong(text.trim());
        } else {
            throw error(name, "expected an integer, found " + describe(value));
        }
        return checkRange(name, number, min, max);
    }

    private int checkRange(String name, long number, int min, int max) {
        if (number < min || number > max) {
            throw error(name, "must be between " + min + " and " + max + ", was " + number);
        }
        return (int) number;
    }

    /** A size in bytes ({@link Sizes}: {@code 16384}, {@code 64KiB}, {@code 1MiB}) within {@code min..max}. */
    public int size(String name, int fallback, int min, int max) {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        long bytes;
        if (value instanceof Integer || value instanceof Long) {
            bytes = ((Number) value).longValue();
        } else if (value instanceof String text) {
            try {
                bytes = Sizes.parse(text);
            } catch (IllegalArgumentException e) {
                throw error(name, e.getMessage() + ", found " + describe(value));
            }
        } else {
            throw error(name, "expected a size like 16384, 64KiB or 1MiB, found " + describe(value));
        }
        return checkRange(name, bytes, min, max);
    }

    /**
     * A duration ({@link Durations}) of at least {@code min}, or {@code fallback} when the key is absent.
     */
    public Duration duration(String name, Duration fallback, Duration min) {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        String text = value instanceof Integer || value instanceof Long ? value + "s"
                : value instanceof String s ? s : null;
        if (text == null) {
            throw error(name, "expected a duration like " + Durations.EXAMPLES + ", found " + describe(value));
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            String problem = e.getMessage();
            throw error(name, problem.startsWith("expected") ? problem + ", found " + describe(value)
                    : problem + ", was " + text.trim());
        }
        if (d.compareTo(min) < 0) {
            throw error(name, "must be at least " + min.toMillis() + "ms, was " + text.trim());
        }
        return d;
    }

    /** A duration, or {@code fallback} when absent; ranges are left to the record it goes into. */
    public Duration duration(String name, Duration fallback) {
        return duration(name, fallback, Duration.ZERO);
    }

    /** A file path, resolved against the document's folder; whether it exists is not checked. */
    public Path path(String name) {
        return resolve(name, string(name));
    }

    /** A file path, resolved against the document's folder, that must exist and be readable. */
    public Path existingFile(String name) {
        return checkFile(name, path(name));
    }

    /** As {@link #existingFile}, or empty when the key is absent. */
    public Optional<Path> optionalExistingFile(String name) {
        return has(name) ? Optional.of(existingFile(name)) : Optional.empty();
    }

    /** {@code text} as a path, relative ones resolved against the document's folder. */
    public Path resolve(String name, String text) {
        Path p;
        try {
            p = Path.of(text);
        } catch (InvalidPathException e) {
            throw error(name, "'" + text + "' is not a file path");
        }
        Path dir = document.baseDir();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
    }

    /** Checks that {@code p} (read from key {@code name}) is a readable regular file. */
    public Path checkFile(String name, Path p) {
        if (!Files.exists(p)) {
            throw error(name, "file " + p + " not found");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw error(name, "file " + p + " is not a readable regular file");
        }
        return p;
    }

    /** A required {@code host:port} as written (not looked up). */
    public HostPort hostPort(String name, boolean allowWildcard) {
        return parseHostPort(name, string(name), allowWildcard);
    }

    /** Parses {@code text} (read from key {@code name}) as {@code host:port}. */
    public HostPort parseHostPort(String name, String text, boolean allowWildcard) {
        HostPort hp;
        try {
            hp = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
        if (hp.wildcard() && !allowWildcard) {
            throw error(name, "needs a host in '" + text.trim() + "'");
        }
        return hp;
    }

    /** {@code host:port}, {@code [v6]:port} or (if allowed) {@code :port}; host names are resolved now. */
    public InetSocketAddress socketAddress(String name, boolean allowWildcard) {
        return parseSocketAddress(name, string(name), allowWildcard);
    }

    /** Parses and resolves {@code text} (read from key {@code name}). */
    public InetSocketAddress parseSocketAddress(String name, String text, boolean allowWildcard) {
        HostPort hp = parseHostPort(name, text, allowWildcard);
        try {
            return hp.resolve();
        } catch (UnknownHostException e) {
            throw error(name, "host '" + hp.host() + "' does not resolve");
        }
    }

    /** A required mapping. */
    public ConfigNode child(String name) {
        Object value = required(name);
        return of(document, key(name), value);
    }

    /** A mapping, or empty when the key is absent. */
    public Optional<ConfigNode> optionalChild(String name) {
        return has(name) ? Optional.of(child(name)) : Optional.empty();
    }

    /** A mapping; an absent key reads as an empty mapping (every key takes its default). */
    public ConfigNode childOrEmpty(String name) {
        return has(name) ? child(name) : new ConfigNode(document, key(name), Map.of());
    }

    /** A list (a missing key is an empty list). */
    public List<Object> list(String name) {
        Object value = raw(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(name, "expected a list, found " + describe(value));
        }
        return new ArrayList<>(list);
    }

    /** A list of non-empty strings; a single string is a list of one. */
    public List<String> stringList(String name) {
        Object value = raw(name);
        if (value instanceof String s && !s.isBlank()) {
            return List.of(s.trim());
        }
        List<String> out = new ArrayList<>();
        List<Object> items = list(name);
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item instanceof String s && !s.isBlank()) {
                out.add(s.trim());
            } else if (item instanceof Integer || item instanceof Long) {
                out.add(item.toString());
            } else {
                throw new ConfigException(document.source(), key(name) + "[" + i + "]",
                        "expected a non-empty string, found " + describe(item), null);
            }
        }
        return out;
    }

    /** A list of mappings. */
    public List<ConfigNode> children(String name) {
        List<ConfigNode> out = new ArrayList<>();
        List<Object> items = list(name);
        for (int i = 0; i < items.size(); i++) {
            out.add(of(document, key(name) + "[" + i + "]", items.get(i)));
        }
        return out;
    }

    /** Entries of a mapping whose keys are names chosen by the operator (e.g. upstream group names). */
    public Map<String, ConfigNode> namedChildren(String name) {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (!has(name)) {
            return out;
        }
        ConfigNode map = child(name);
        for (Map.Entry<String, Object> entry : map.values.entrySet()) {
            map.consumed.add(entry.getKey());
            out.put(entry.getKey(), of(document, join(map.path, entry.getKey()), entry.getValue()));
        }
        return out;
    }

    /**
     * One of an enum's constants, written in lower case with dashes ({@code least-connections} for
     * {@code LEAST_CONNECTIONS}), or {@code fallback} when the key is absent.
     */
    public <E extends Enum<E>> E enumValue(String name, Class<E> type, E fallback) {
        if (!has(name)) {
            return fallback;
        }
        String written = string(name);
        String text = written.toUpperCase(Locale.ROOT).replace('-', '_');
        for (E value : type.getEnumConstants()) {
            if (value.name().equals(text)) {
                return value;
            }
        }
        List<String> names = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            names.add(value.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw error(name, "unknown value '" + written + "' (known: " + String.join(", ", names) + ")");
    }

    /** Refuses keys that no reader asked for: a typo must not silently turn a setting off. */
    public void checkNoUnknownKeys() {
        for (String name : values.keySet()) {
            if (!consumed.contains(name)) {
                throw new ConfigException(document.source(), join(path, name),
                        "unknown key (known here: " + String.join(", ", known) + ")", null);
            }
        }
    }

    /** A value as shown in messages: its kind, and short strings quoted. */
    public static String describe(Object value) {
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
