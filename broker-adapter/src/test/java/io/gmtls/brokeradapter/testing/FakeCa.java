package io.gmtls.brokeradapter.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An in-test HTTP server answering {@code POST /api/v1/broker/authn} per the design's contract, with
 * the answer chosen by a function of the request body. Records every request (headers and body).
 */
public final class FakeCa implements AutoCloseable {

    /** One recorded request. */
    public record Request(String method, String path, String contentType, String apiKey, JsonNode body, String rawBody) {
    }

    /** An answer: status, content type, body. {@link #hang()} never answers (until close). */
    public record Answer(int status, String contentType, String body) {
        public static Answer json(String body) {
            return new Answer(200, "application/json", body);
        }

        public static Answer allow() {
            return json("{\"result\":\"allow\",\"is_superuser\":false}");
        }

        public static Answer deny() {
            return json("{\"result\":\"deny\"}");
        }

        public static Answer status(int status) {
            return new Answer(status, "application/json", "{\"error\":\"CA failure\"}");
        }

        public static Answer hang() {
            return new Answer(-1, "", "");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-ca");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<JsonNode, Answer> policy;

    private FakeCa(Function<JsonNode, Answer> policy, javax.net.ssl.SSLContext tls) throws IOException {
        this.policy = policy;
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                    new InetSocketAddress("127.0.0.1", 0), 64);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                JsonNode body = null;
                try {
                    body = JSON.readTree(raw);
                } catch (RuntimeException e) {
                    // recorded as raw only
                }
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("X-API-Key"), body, raw));
                Answer answer = this.policy.apply(body);
                if (answer.status() < 0) {
                    closing.await(30, TimeUnit.SECONDS);
                    return;
                }
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
                exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
                if (bytes.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    /** Starts a CA answering with {@code policy}. */
    public static FakeCa start(Function<JsonNode, Answer> policy) throws IOException {
        return new FakeCa(policy, null);
    }

    /** Starts a CA answering over HTTPS with the server credentials of {@code tls}. */
    public static FakeCa startHttps(Function<JsonNode, Answer> policy, javax.net.ssl.SSLContext tls) throws IOException {
        return new FakeCa(policy, tls);
    }

    /** Changes the answers. */
    public void policy(Function<JsonNode, Answer> policy) {
        this.policy = policy;
    }

    /** {@code http://127.0.0.1:PORT/api/v1/broker/authn} ({@code https} for {@link #startHttps}). */
    public URI authnUrl() {
        String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/broker/authn");
    }

    /** The requests received so far. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The body fields of a request as a flat string map. */
    public static Map<String, String> fields(Request request) {
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        request.body().properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
