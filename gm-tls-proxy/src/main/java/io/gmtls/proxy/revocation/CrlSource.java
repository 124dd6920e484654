package io.gmtls.proxy.revocation;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import io.gmtls.proxy.config.CrlConfig;

/**
 * Reads the bytes of a CRL from a file or an HTTP(S) URL, bounded in size and time. Blocking: called
 * from the CRL refresh thread only, never from an event loop.
 */
final class CrlSource {

    /** Far above any CRL of a vehicle CA; a bigger answer is refused, not buffered. */
    static final int MAX_CRL_BYTES = 64 * 1024 * 1024;

    private final CrlConfig config;
    private final Duration timeout;
    private final HttpClient http;

    CrlSource(CrlConfig config, Duration timeout, HttpClient http) {
        this.config = config;
        this.timeout = timeout;
        this.http = http;
    }

    byte[] fetch() throws IOException {
        if (config.file().isPresent()) {
            var file = config.file().get();
            long size = Files.size(file);
            if (size > MAX_CRL_BYTES) {
                throw new IOException(file + " is larger than " + MAX_CRL_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        }
        HttpRequest request = HttpRequest.newBuilder(config.url().orElseThrow()).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + config.source(), e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(config.source() + " answered HTTP " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(MAX_CRL_BYTES + 1);
            if (bytes.length > MAX_CRL_BYTES) {
                throw new IOException(config.source() + " sent more than " + MAX_CRL_BYTES + " bytes");
            }
            return bytes;
        }
    }
}
