package io.gmtls.proxy.revocation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gmtls.proxy.config.CrlConfig;

/**
 * Reads the bytes of a CRL from a file or an HTTP(S) URL, bounded in size and time. Blocking: called
 * from a CRL fetch thread only, never from an event loop.
 *
 * <p>An HTTP fetch has three bounds: the connect timeout, the read timeout (the longest silence while
 * waiting for headers or body bytes) and the total time. The JDK's {@code HttpClient} on Java 17 bounds
 * only the wait for the response headers, so a server that sends headers and then stalls or trickles
 * the body would hold the fetch forever; here a watchdog closes the connection when the total time is
 * up, which makes the blocked read fail.
 */
final class CrlSource {

    /** Far above any CRL of a vehicle CA; a bigger answer is refused, not buffered. */
    static final int MAX_CRL_BYTES = 64 * 1024 * 1024;

    /**
     * Bounds of one HTTP fetch.
     *
     * @param connect opening the connection
     * @param read    the longest wait for the next bytes
     * @param total   the whole fetch
     */
    record Timeouts(Duration connect, Duration read, Duration total) {
    }

    private final CrlConfig config;
    private final Timeouts timeouts;
    private final ScheduledExecutorService watchdog;

    CrlSource(CrlConfig config, Timeouts timeouts, ScheduledExecutorService watchdog) {
        this.config = config;
        this.timeouts = timeouts;
        this.watchdog = watchdog;
    }

    /** The total time an HTTP fetch may take. */
    Duration totalTimeout() {
        return timeouts.total();
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
        return fetchHttp();
    }

    private byte[] fetchHttp() throws IOException {
        long start = System.nanoTime();
        URLConnection opened = config.url().orElseThrow().toURL().openConnection();
        if (!(opened instanceof HttpURLConnection connection)) {
            throw new IOException(config.source() + " is not an HTTP URL");
        }
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout(millis(timeouts.connect()));
        connection.setReadTimeout(millis(timeouts.read()));
        connection.setRequestProperty("Accept", "application/pkix-crl, */*");
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = watchdog.schedule(() -> {
            expired.set(true);
            connection.disconnect();
        }, timeouts.total().toNanos(), TimeUnit.NANOSECONDS);
        try {
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException(config.source() + " answered HTTP " + status);
            }
            long length = connection.getContentLengthLong();
            if (length > MAX_CRL_BYTES) {
                throw new IOException(config.source() + " announced " + length + " bytes, more than " + MAX_CRL_BYTES);
            }
            try (InputStream body = connection.getInputStream()) {
                return readBounded(body, start);
            }
        } catch (IOException e) {
            if (expired.get()) {
                throw new IOException(config.source() + ": no complete answer within " + timeouts.total().toMillis()
                        + " ms (total fetch timeout)", e);
            }
            if (e instanceof SocketTimeoutException) {
                throw new IOException(config.source() + ": timed out (" + e.getMessage() + ")", e);
            }
            throw e;
        } finally {
            deadline.cancel(false);
            // No keep-alive reuse: one connection per fetch, closed here whatever happened.
            connection.disconnect();
        }
    }

    private byte[] readBounded(InputStream body, long start) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = body.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_CRL_BYTES) {
                throw new IOException(config.source() + " sent more than " + MAX_CRL_BYTES + " bytes");
            }
            if (System.nanoTime() - start > timeouts.total().toNanos()) {
                throw new IOException(config.source() + ": no complete answer within " + timeouts.total().toMillis()
                        + " ms (total fetch timeout)");
            }
        }
        return out.toByteArray();
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
