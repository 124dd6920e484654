package io.gmtls.proxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One CRL source: a file or an http(s) URL, and the CA certificate whose key must have signed it.
 *
 * @param name   name in logs and metrics
 * @param file   the CRL file (DER or PEM), or empty when {@code url} is set
 * @param url    the CRL URL, or empty when {@code file} is set
 * @param issuer the issuing CA certificate (PEM)
 */
public record CrlConfig(String name, Optional<Path> file, Optional<URI> url, Path issuer) {

    public CrlConfig {
        if (file.isPresent() == url.isPresent()) {
            throw new IllegalArgumentException("exactly one of file and url");
        }
    }

    /** The source as text, for logs. */
    public String source() {
        return file.map(Path::toString).orElseGet(() -> url.orElseThrow().toString());
    }
}
