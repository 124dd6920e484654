package io.gmtls.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One YAML configuration file, read with bounds (size, aliases, no duplicate keys, no object
 * construction) and offered as a tree of {@link ConfigNode}s. Relative paths in it are resolved
 * against the file's folder.
 *
 * <p>Keys are kebab-case. A document read with {@link Spelling#KEBAB_OR_LEGACY_CAMEL} also accepts
 * the camelCase spelling of each key ({@code maxConnections} for {@code max-connections}); every old
 * spelling met is remembered, and {@link #deprecationWarning()} lists them all in one message, so an
 * operator's file keeps loading and says once what to rename.
 */
public final class ConfigDocument {

    /** Bigger than any sane configuration: a guard against reading a wrong, huge file. */
    public static final int MAX_BYTES = 1024 * 1024;

    /** Which key spellings a document accepts. */
    public enum Spelling {
        /** kebab-case only. */
        KEBAB,
        /** kebab-case, and the camelCase spelling of a key with a deprecation warning. */
        KEBAB_OR_LEGACY_CAMEL
    }

    private final String source;
    private final Path baseDir;
    private final Spelling spelling;
    private final Map<String, String> deprecated = new LinkedHashMap<>();
    private final ConfigNode root;

    private ConfigDocument(String source, Path baseDir, Spelling spelling, Object yaml) {
        this.source = source;
        this.baseDir = baseDir;
        this.spelling = spelling;
        if (yaml == null) {
            throw new ConfigException(source, "", "is empty", null);
        }
        this.root = ConfigNode.of(this, "", yaml);
    }

    /**
     * Reads a file.
     *
     * @throws ConfigException when it is missing, unreadable, too large, not YAML, empty or not a mapping
     */
    public static ConfigDocument read(Path file, Spelling spelling) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file, "", "larger than " + MAX_BYTES + " bytes");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "", "file not found");
        } catch (IOException e) {
            throw new ConfigException(file, "", "cannot be read: " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return new ConfigDocument(file.toString(), dir, spelling, load(file.toString(), text));
    }

    /**
     * Parses configuration text that has no file of its own (tests, generated text).
     *
     * @param source  names the text in error messages
     * @param text    the YAML
     * @param baseDir folder relative paths are resolved against
     */
    public static ConfigDocument parse(String source, String text, Path baseDir, Spelling spelling) {
        if (text.length() > MAX_BYTES) {
            throw new ConfigException(source, "", "larger than " + MAX_BYTES + " bytes", null);
        }
        return new ConfigDocument(source, baseDir.toAbsolutePath(), spelling, load(source, text));
    }

    private static Object load(String source, String text) {
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            options.setCodePointLimit(MAX_BYTES);
            return new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw new ConfigException(source, "", "not valid YAML: " + firstLine(e.getMessage()), e);
        }
    }

    /** The top-level mapping. */
    public ConfigNode root() {
        return root;
    }

    /** The file name (or source name) used in messages. */
    public String source() {
        return source;
    }

    /** The folder relative paths are resolved against. */
    public Path baseDir() {
        return baseDir;
    }

    Spelling spelling() {
        return spelling;
    }

    /**
     * Records an old way of writing something that still loads, e.g. {@code nodeId} → {@code node-id}.
     * Each old form is listed once however often it occurs.
     */
    public void deprecated(String old, String replacement) {
        deprecated.putIfAbsent(old, replacement);
    }

    /** Old → new spellings met so far, in the order first met. */
    public Map<String, String> deprecatedSpellings() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(deprecated));
    }

    /**
     * One warning listing every deprecated spelling of this file, or empty when there were none. Call
     * it after the whole file has been read.
     */
    public Optional<String> deprecationWarning() {
        if (deprecated.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder(source).append(": deprecated spellings, still read (rename them): ");
        String sep = "";
        for (Map.Entry<String, String> e : deprecated.entrySet()) {
            text.append(sep).append(e.getKey()).append(" → ").append(e.getValue());
            sep = ", ";
        }
        return Optional.of(text.toString());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "parse error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl) + " " + message.substring(nl + 1).replace('\n', ' ').trim();
    }
}
