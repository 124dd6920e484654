package io.gmtls.proxy.config;

import java.nio.file.Path;

/**
 * A configuration that can't be used: names the file, the key and the problem, e.g.
 * {@code config.yaml: listeners[0].tlcp.signCert: file /x/y.crt not found}. The message never holds
 * secret material (key files are named, never shown).
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final String key;
    private final String problem;

    /**
     * @param file    the configuration file, as the operator named it
     * @param key     the key path, e.g. {@code listeners[0].tlcp.signCert}; empty for the whole file
     * @param problem what is wrong
     */
    public ConfigException(Path file, String key, String problem) {
        this(file, key, problem, null);
    }

    public ConfigException(Path file, String key, String problem, Throwable cause) {
        super(format(file, key, problem), cause);
        this.file = String.valueOf(file);
        this.key = key == null ? "" : key;
        this.problem = problem;
    }

    private static String format(Path file, String key, String problem) {
        return file + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem;
    }

    /** The configuration file. */
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
