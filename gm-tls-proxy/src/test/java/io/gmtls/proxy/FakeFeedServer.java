package io.gmtls.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for pki-ca's revocation feed endpoint over a real socket (the JDK's HTTP server): each
 * request becomes a {@link Stream} the test writes SSE frames to; a keep-alive comment goes out every
 * 200 ms unless the stream is told to fall silent. Requests with another API key get 401.
 */
final class FakeFeedServer implements AutoCloseable {

    static final String PATH = "/api/v1/revocations/feed";
    private static final String END = "\u0000end";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final String apiKey;
    private final BlockingQueue<Stream> streams = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    /** When not 0, requests are answered with this status and no stream. */
    volatile int refuseWith;

    /** One feed request and its open response. */
    static final class Stream {
        /** The request's {@code Last-Event-ID}, or null. */
        final String lastEventId;
        final String apiKey;
        private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
        volatile boolean silent;
        volatile boolean finished;

        Stream(String lastEventId, String apiKey) {
            this.lastEventId = lastEventId;
            this.apiKey = apiKey;
        }

        /** Writes raw text (SSE frames) and flushes it. */
        void send(String text) {
            out.add(text);
        }

        /** Ends the response (the server closing the stream). */
        void end() {
            out.add(END);
        }
    }

    private FakeFeedServer(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
    }

    static FakeFeedServer start(String apiKey) throws IOException {
        return new FakeFeedServer(apiKey);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Requests received so far (answered or refused). */
    int requests() {
        return requests.get();
    }

    /** The next stream the gateway opens, within the time. */
    Stream awaitStream(Duration timeout) throws InterruptedException {
        Stream s = streams.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) {
            throw new AssertionError("the gateway opened no feed stream within " + timeout);
        }
        return s;
    }

    /** A stream opened within the time, or null. */
    Stream pollStream(Duration timeout) throws InterruptedException {
        return streams.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            String key = exchange.getRequestHeaders().getFirst("X-API-Key");
            int refuse = refuseWith;
            if (refuse != 0 || !apiKey.equals(key)) {
                byte[] body = "{\"title\":\"refused\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(refuse != 0 ? refuse : 401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            Stream stream = new Stream(exchange.getRequestHeaders().getFirst("Last-Event-ID"), key);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream;charset=UTF-8");
            exchange.getResponseHeaders().add("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            body.flush();
            streams.add(stream);
            try {
                while (true) {
                    String next = stream.out.poll(200, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        if (!stream.silent) {
                            body.write(": ping\n\n".getBytes(StandardCharsets.UTF_8));
                            body.flush();
                        }
                        continue;
                    }
                    if (next == END) {
                        break;
                    }
                    body.write(next.getBytes(StandardCharsets.UTF_8));
                    body.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the gateway went away
            } finally {
                stream.finished = true;
            }
        }
    }

    /** An {@code event: revoked} frame for the certificate. */
    static String revoked(long seq, X509Certificate certificate) {
        return frame(seq, "revoked", "{\"seq\":" + seq + "," + fields(certificate, "keyCompromise") + "}");
    }

    /** An {@code event: unrevoked} frame for the certificate. */
    static String unrevoked(long seq, X509Certificate certificate) {
        return frame(seq, "unrevoked", "{\"seq\":" + seq + "," + fields(certificate, null) + "}");
    }

    /** An {@code event: resync} frame: exactly these certificates are revoked as of {@code seq}. */
    static String resync(long seq, X509Certificate... revoked) {
        StringBuilder list = new StringBuilder();
        for (X509Certificate c : revoked) {
            list.append(list.length() == 0 ? "" : ",").append('{').append(fields(c, "keyCompromise")).append('}');
        }
        return frame(seq, "resync", "{\"seq\":" + seq + ",\"revoked\":[" + list + "]}");
    }

    static String frame(long seq, String event, String data) {
        return "id: " + seq + "\nevent: " + event + "\ndata: " + data + "\n\n";
    }

    private static String fields(X509Certificate c, String reason) {
        return "\"serial\":\"" + c.getSerialNumber().toString(16) + "\",\"issuer\":\""
                + c.getIssuerX500Principal().getName().replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"reason\":"
                + (reason == null ? "null" : "\"" + reason + "\"") + ",\"time\":\"" + Instant.now() + "\",\"notAfter\":\""
                + c.getNotAfter().toInstant() + "\"";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
