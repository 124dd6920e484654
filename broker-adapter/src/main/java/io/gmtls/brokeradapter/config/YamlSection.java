package io.gmtls.brokeradapter.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of the YAML file, read key by key with the file name and dotted key path in every
 * error. Remembers which keys were read so that unknown (misspelt) keys are reported, not ignored.
 */
final class YamlSection {

    private final String source;
    private final String path;
    private final Map<?, ?> values;
    private final Set<String> read = new LinkedHashSet<>();

    YamlSection(String source, String path, Map<?, ?> values) {
        this.source = source;
        this.path = path;
        this.values = values;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    ConfigException error(String name, String problem) {
        return ConfigException.at(source, key(name), problem);
    }

    private Object raw(String name) {
        read.add(name);
        return values.get(name);
    }

    boolean has(String name) {
        return values.containsKey(name) && values.get(name) != null;
    }

    YamlSection section(String name) {
        Object value = raw(name);
        if (value == null) {
            return new YamlSection(source, key(name), Map.of());
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw error(name, "must be a mapping of keys");
        }
        return new YamlSection(source, key(name), map);
    }

    Optional<String> optionalString(String name) {
        Object value = raw(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            String text = value.toString().trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        }
        throw error(name, "must be a single value");
    }

    String requiredString(String name) {
        return optionalString(name).orElseThrow(() -> error(name, "is required"));
    }

    int integer(String name, int defaultValue, int min, int max) {
        Object value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        long number;
        if (value instanceof Integer || value instanceof Long) {
            number = ((Number) value).longValue();
        } else if (value instanceof String text && text.trim().matches("\\d{1,10}")) {
            number = Long.parseLong(text.trim());
        } else {
            throw error(name, "must be a whole number");
        }
        if (number < min || number > max) {
            throw error(name, "must be " + min + ".." + max + ", was " + number);
        }
        return (int) number;
    }

    boolean bool(String name, boolean defaultValue) {
        Object value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw error(name, "must be true or false");
    }

    Duration duration(String name, Duration defaultValue) {
        Optional<String> text = optionalString(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return Durations.parse(text.get());
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    List<String> stringList(String name) {
        Object value = raw(name);
        if (value == null) {
            return List.of();
        }
        List<?> items = value instanceof List<?> list ? list : List.of(value);
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String || item instanceof Number)) {
                throw error(name, "must be a list of strings");
            }
            out.add(item.toString().trim());
        }
        return out;
    }

    /** Reports the first key that was never read: a typo must not silently leave a default in place. */
    void rejectUnknownKeys() {
        for (Object key : values.keySet()) {
            if (!(key instanceof String name) || !read.contains(name)) {
                throw ConfigException.at(source, key(String.valueOf(key)), "unknown key");
            }
        }
    }
}
