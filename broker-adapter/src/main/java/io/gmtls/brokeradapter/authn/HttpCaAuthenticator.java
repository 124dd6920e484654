package io.gmtls.brokeradapter.authn;

import java.net.ConnectException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

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

    /**
     * Makes an authenticator with its own HTTP client (connection pool); for {@code https} with the
     * configured trust anchors, if any.
     */
    public HttpCaAuthenticator(CaSettings settings) {
        this(settings, client(settings), Clock.systemUTC());
    }

    private static HttpClient client(CaSettings settings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (settings.tls() && !settings.trustAnchors().isEmpty()) {
            builder.sslContext(sslContext(settings.trustAnchors()));
        }
        return builder.build();
    }

    /** A TLS context that trusts exactly the given CA certificates. */
    static SSLContext sslContext(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the TLS context for the CA's trust anchors", e);
        }
    }

    HttpCaAuthenticator(CaSettings settings, HttpClient client, Clock clock) {
        this.settings = settings;
        this.client = client;
        this.clock = clock;
    }

    /** Header with the gateway's connection id (PPv2 0x05): pki-ca puts it on its log lines. */
    public static final String CONNECTION_ID_HEADER = "X-Connection-Id";

    /** A PPv2 unique id is up to 128 bytes of anything: only short printable ASCII goes into a header. */
    static boolean headerSafe(String id) {
        return !id.isEmpty() && id.length() <= 128 && id.chars().allMatch(c -> c > ' ' && c < 0x7f);
    }

    @Override
    public CompletionStage<AuthnDecision> authenticate(AuthnRequest request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.authnUrl())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(AuthnJson.requestBody(request)));
        settings.apiKey().ifPresent(key -> builder.header(API_KEY_HEADER, key));
        request.connectionId().filter(HttpCaAuthenticator::headerSafe)
                .ifPresent(id -> builder.header(CONNECTION_ID_HEADER, id));
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
            if (e instanceof SSLException) {
                return "CA TLS handshake failed (certificate not trusted?)";
            }
            root = e;
        }
        return "CA request failed (" + root.getClass().getSimpleName() + ")";
    }
}
