package io.gmtls.config;

import java.nio.file.Path;

/**
 * A configuration that can't be used: names the file, the key and the problem, e.g.
 * {@code config.yaml: listeners[0].tlcp.sign-cert: file /x/y.crt not found}. The message never holds
 * secret material (key and secret files are named, never shown).
 *
 * <p>Unchecked, so that record constructors and {@code validate()} methods can throw it and the
 * gate's and the gateway's callers handle it alike.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final String key;
    private final String problem;

    /**
     * @param file    the configuration file, as the operator named it
     * @param key     the key path, e.g. {@code listeners[0].tlcp.sign-cert}; empty for the whole file
     * @param problem what is wrong
     */
    public ConfigException(Path file, String key, String problem) {
        this(String.valueOf(file), key, problem, null);
    }

    /** As {@link #ConfigException(Path, String, String)}, with the underlying failure. */
    public ConfigException(Path file, String key, String problem, Throwable cause) {
        this(String.valueOf(file), key, problem, cause);
    }

    /**
     * For a configuration that is not (or not only) a file: {@code source} names it in the message.
     *
     * @param source  the file name, or another name of the text (e.g. {@code gate.yaml} in tests)
     * @param key     the key path; empty for the whole source
     * @param problem what is wrong
     * @param cause   the underlying failure, or null
     */
    public ConfigException(String source, String key, String problem, Throwable cause) {
        super(format(source, key, problem), cause);
        this.file = source;
        this.key = key == null ? "" : key;
        this.problem = problem;
    }

    private static String format(String file, String key, String problem) {
        return file + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem;
    }

    /** The configuration file (or source name). */
    public String file() {
        return file;
    }

    /** The key path; empty when the problem concerns the whole file. */
    public String key() {
        return key;
    }

    /** The problem, without file and key. */
    public String problem() {
        return problem;
    }
}
