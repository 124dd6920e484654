package io.gmtls.tboxsim.enroll;

import io.gmtls.crypto.Sm2Keys;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

import io.gmtls.tboxsim.credentials.Vins;
import io.gmtls.tboxsim.crypto.Pkcs10Requests;
import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.EventLoops;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The T-Box side of the enrollment REST contract (ENROLL-API.md): generates the vehicle's SM2 signing
 * key pair, sends a PKCS#10 CSR (SM2-with-SM3, CN = VIN) to {@code /api/v1/enroll} or
 * {@code /api/v1/renew} over the given transport (the per-model or current vehicle credential, or none
 * with a token), and verifies the answer ({@link EnrollmentVerifier}). Requests that fail in a way a
 * repeat can fix (connection lost, timeout, 429 after its Retry-After, 502/503/504) are repeated with the
 * same CSR bytes, which the server answers idempotently (200 with the stored result). Thread-safe: many enrollments may run at once.
 *
 * <pre>{@code
 * try (EnrollmentClient client = new EnrollmentClient(EnrollmentClient.Endpoint.of(address, "localhost"), 2)) {
 *     EnrolledVehicle v = client.enroll(transports.withSm2(modelCredential), "LGMDEV00000000001", null);
 *     folder.writeSm2Vehicle(v.credentials(), false);
 * }
 * }</pre>
 */
public final class EnrollmentClient implements AutoCloseable {

    /** Default path of enrollment. */
    public static final String ENROLL_PATH = "/api/v1/enroll";
    /** Default path of renewal. */
    public static final String RENEW_PATH = "/api/v1/renew";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_DETAIL = 300;
    /** A server's Retry-After is honoured up to this long; beyond it the attempt fails instead. */
    private static final long MAX_RETRY_AFTER_MILLIS = 30_000;

    /**
     * Where the enrollment service is (usually the gateway's enrollment listener).
     *
     * @param address          TCP address
     * @param hostHeader       HTTP Host header (the server name, with the port when not 443)
     * @param enrollPath       path of enrollment
     * @param renewPath        path of renewal
     * @param timeout          per request: connect, handshake and answer
     * @param maxResponseBytes largest accepted answer
     */
    public record Endpoint(InetSocketAddress address, String hostHeader, String enrollPath, String renewPath,
            Duration timeout, int maxResponseBytes) {

        public Endpoint {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(hostHeader, "hostHeader");
            if (!enrollPath.startsWith("/") || !renewPath.startsWith("/")) {
                throw new IllegalArgumentException("paths must start with '/'");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
        }

        /** The default paths, a 30 s timeout and a 1 MiB answer limit. */
        public static Endpoint of(InetSocketAddress address, String serverName) {
            return new Endpoint(address, serverName + ":" + address.getPort(), ENROLL_PATH, RENEW_PATH,
                    Duration.ofSeconds(30), 1024 * 1024);
        }
    }

    private final Endpoint endpoint;
    private final int retries;
    private final EventLoops loops;
    private final HttpsPoster poster;
    private final EnrollmentVerifier verifier;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param retries how often a retryable failure is repeated (0 = never)
     */
    public EnrollmentClient(Endpoint endpoint, int retries) {
        this(endpoint, retries, Clock.systemUTC(), 2);
    }

    /**
     * @param clock   for certificate validity checks
     * @param threads I/O threads (handshakes run on them)
     */
    public EnrollmentClient(Endpoint endpoint, int retries, Clock clock, int threads) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.retries = retries;
        this.loops = EventLoops.create(threads);
        this.poster = new HttpsPoster(loops, endpoint.address(), endpoint.hostHeader(), endpoint.timeout(),
                endpoint.maxResponseBytes());
        this.verifier = new EnrollmentVerifier(clock);
    }

    /**
     * Enrolls a vehicle.
     *
     * @param transport the bootstrap transport: per-model credential, or anonymous with a token
     * @param token     one-time enrollment token, or null
     */
    public EnrolledVehicle enroll(ClientTransport transport, String vin, String token)
            throws EnrollmentException, InterruptedException {
        return exchange(transport, endpoint.enrollPath(), vin, token);
    }

    /**
     * Renews a vehicle's credential.
     *
     * @param transport a transport presenting the vehicle's current credential
     */
    public EnrolledVehicle renew(ClientTransport transport, String vin) throws EnrollmentException, InterruptedException {
        return exchange(transport, endpoint.renewPath(), vin, null);
    }

    private EnrolledVehicle exchange(ClientTransport transport, String path, String vin, String token)
            throws EnrollmentException, InterruptedException {
        if (!Vins.isVin(vin)) {
            throw new IllegalArgumentException("not a VIN: " + vin);
        }
        KeyPair signing = Sm2Keys.generate(random);
        byte[] body = requestBody(vin, Pkcs10Requests.pem(Pkcs10Requests.create(signing, vin)), token);
        for (int attempt = 0;; attempt++) {
            try {
                HttpReply reply = post(transport, path, body);
                if (reply.status() == 200 || reply.status() == 201) {
                    EnrollmentResponse response = EnrollmentResponse.parse(reply.body());
                    return verifier.verify(response, vin, signing, reply.status() == 200);
                }
                throw EnrollmentException.http(reply.status(), reply.retryAfterSeconds(), problemType(reply),
                        describeError(reply));
            } catch (EnrollmentException e) {
                if (!e.retryable() || attempt >= retries) {
                    throw e;
                }
                long backoff = Math.min(5_000L, 250L << attempt);
                long asked = e.retryAfterSeconds() < 0 ? 0 : Math.min(MAX_RETRY_AFTER_MILLIS, e.retryAfterSeconds() * 1000);
                Thread.sleep(Math.max(backoff, asked));
            }
        }
    }

    /** Sends one POST and waits for the answer. */
    HttpReply post(ClientTransport transport, String path, byte[] body) throws EnrollmentException, InterruptedException {
        try {
            return poster.post(transport, path, body).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EnrollmentException enrollment) {
                throw enrollment;
            }
            throw EnrollmentException.connection("request failed (" + e.getCause().getClass().getSimpleName() + ")",
                    false, e.getCause());
        }
    }

    static byte[] requestBody(String vin, String csrPem, String token) {
        ObjectNode json = JSON.createObjectNode();
        json.put("vin", vin);
        json.put("csr", csrPem);
        if (token != null) {
            json.put("token", token);
        }
        return JSON.writeValueAsBytes(json);
    }

    /**
     * The last segment of an RFC 9457 problem's {@code type} ({@code urn:gmtls:enrollment:vin-not-registered}
     * → {@code vin-not-registered}), when it is a short slug; else null.
     */
    static String problemType(HttpReply reply) {
        if (!reply.contentType().toLowerCase(Locale.ROOT).contains("json")) {
            return null;
        }
        try {
            JsonNode problem = JSON.readTree(reply.body());
            JsonNode type = problem == null ? null : problem.get("type");
            if (type == null || !type.isString()) {
                return null;
            }
            String text = type.asString();
            String slug = text.substring(Math.max(text.lastIndexOf(':'), text.lastIndexOf('/')) + 1);
            return slug.matches("[a-z0-9][a-z0-9-]{0,39}") && !slug.equals("blank") ? slug : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** "HTTP 403: title: detail" from an RFC 9457 problem, or the status alone; bounded and printable. */
    static String describeError(HttpReply reply) {
        StringBuilder text = new StringBuilder("HTTP ").append(reply.status());
        if (reply.contentType().toLowerCase(Locale.ROOT).contains("json")) {
            try {
                JsonNode problem = JSON.readTree(reply.body());
                for (String field : new String[] {"title", "detail"}) {
                    JsonNode value = problem == null ? null : problem.get(field);
                    if (value != null && value.isString() && !value.asString().isBlank()) {
                        text.append(": ").append(printable(value.asString()));
                    }
                }
            } catch (JacksonException e) {
                text.append(" (unreadable problem body)");
            }
        } else {
            String body = new String(reply.body(), StandardCharsets.UTF_8).strip();
            if (!body.isEmpty()) {
                text.append(": ").append(printable(body));
            }
        }
        return text.toString();
    }

    private static String printable(String text) {
        String flat = text.replaceAll("[\\p{Cntrl}]", " ");
        return flat.length() > MAX_DETAIL ? flat.substring(0, MAX_DETAIL) + "…" : flat;
    }

    @Override
    public void close() {
        loops.close();
    }
}
