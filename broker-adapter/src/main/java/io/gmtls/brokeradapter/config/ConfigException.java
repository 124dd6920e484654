package io.gmtls.brokeradapter.config;

/**
 * A configuration problem found at startup. The message names the file and the key (dotted path)
 * and says what is wrong; it never echoes a secret value.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Makes an exception whose message is already complete. */
    public ConfigException(String message) {
        super(message);
    }

    /** Makes an exception for one key of one configuration source. */
    public static ConfigException at(String source, String key, String problem) {
        return new ConfigException(source + ": " + key + ": " + problem);
    }
}
