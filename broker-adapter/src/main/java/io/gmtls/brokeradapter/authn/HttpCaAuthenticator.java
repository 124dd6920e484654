package io.gmtls.brokeradapter.authn;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gmtls.brokeradapter.config.CaSettings;

/**
 * Calls the CA's {@code POST /api/v1/broker/authn} with the JDK's asynchronous {@link HttpClient}
 * (HTTP/1.1, JSON body, {@code Content-Type: application/json}, the API key in {@code X-API-Key})
 * and turns every outcome into an {@link AuthnDecision}: the future never fails and never takes
 * longer than the configured timeout.
 */
public final class HttpCaAuthenticator implements BrokerAuthenticator {

    /** The header pki-ca reads a {@code broker}-role API key from. */
    public static final String API_KEY_HEADER = "X-API-Key";

    private final CaSettings settings;
    private final HttpClient client;
    private final Clock clock;

    /** Makes an authenticator with its own HTTP client (connection pool). */
    public HttpCaAuthenticator(CaSettings settings) {
        this(settings, HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build(), Clock.systemUTC());
    }

    HttpCaAuthenticator(CaSettings settings, HttpClient client, Clock clock) {
        this.settings = settings;
        this.client = client;
        this.clock = clock;
    }

    @Override
    public CompletionStage<AuthnDecision> authenticate(AuthnRequest request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.authnUrl())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(AuthnJson.requestBody(request)));
        settings.apiKey().ifPresent(key -> builder.header(API_KEY_HEADER, key));
        HttpRequest http = builder.build();
        CompletableFuture<HttpResponse<byte[]>> response;
        try {
            response = client.sendAsync(http, info -> new BoundedBodySubscriber(settings.maxResponseBytes()));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new AuthnDecision.Unavailable("CA request failed to start", false));
        }
        // HttpRequest.timeout covers the wait for the response headers; this also bounds the body.
        return response
                .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((r, error) -> {
                    if (error != null) {
                        response.cancel(true);
                        return new AuthnDecision.Unavailable(describe(error), false);
                    }
                    return AuthnResponseParser.parse(r.statusCode(), r.headers().firstValue("Content-Type"),
                            r.body(), clock.instant());
                });
    }

    /** A log-safe description of a transport failure: the kind of failure, not the exception text. */
    static String describe(Throwable error) {
        Throwable root = error;
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof HttpTimeoutException || e instanceof TimeoutException) {
                return "CA timed out";
            }
            if (e instanceof ConnectException) {
                return "CA unreachable";
            }
            if (e instanceof BoundedBodySubscriber.BodyTooLongException) {
                return "CA answer too long";
            }
            root = e;
        }
        return "CA request failed (" + root.getClass().getSimpleName() + ")";
    }
}
