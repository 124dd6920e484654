package io.gmtls.pki.web;

import io.gmtls.pki.core.Actor;
import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.core.crypto.Fingerprints;
import io.gmtls.pki.service.PkiCaProperties;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configured API keys, by the SM3 hash of the key (the key itself is never stored). A presented
 * key is hashed and looked up; comparing hashes leaks nothing useful about a 256-bit key.
 */
public final class ApiKeys {

    /** An authenticated caller. */
    public record Caller(String name, ApiRole role) {
        public Actor actor() {
            return new Actor(name, role.name().toLowerCase(Locale.ROOT));
        }
    }

    private final Map<String, Caller> byHash = new HashMap<>();

    public ApiKeys(List<PkiCaProperties.ApiKey> keys) {
        for (PkiCaProperties.ApiKey k : keys) {
            ApiRole role;
            try {
                role = ApiRole.valueOf(k.role().strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new PkiConfigException("gmtls.api-keys[" + k.name() + "].role",
                        "must be admin, operator, auditor, broker or gateway");
            }
            if (byHash.put(k.sm3(), new Caller(k.name(), role)) != null) {
                throw new PkiConfigException("gmtls.api-keys[" + k.name() + "].sm3", "the same key is configured twice");
            }
        }
    }

    /** The caller a key belongs to. */
    public Optional<Caller> lookup(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 256) {
            return Optional.empty();
        }
        return Optional.ofNullable(byHash.get(hash(presentedKey)));
    }

    /** SM3 of a key, lowercase hex: the value to configure. */
    public static String hash(String key) {
        return Fingerprints.sm3Hex(key.getBytes(StandardCharsets.UTF_8));
    }

    public boolean isEmpty() {
        return byHash.isEmpty();
    }
}
