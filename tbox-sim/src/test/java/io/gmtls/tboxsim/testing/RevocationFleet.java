package io.gmtls.tboxsim.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.tboxsim.credentials.CredentialFolder;
import io.gmtls.tboxsim.credentials.Sm2VehicleCredentials;
import io.gmtls.tboxsim.mqtt.MqttSubscriber;
import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.TransportFactory;
import io.gmtls.tboxsim.transport.TransportKind;
import io.gmtls.tboxsim.transport.TransportSettings;
import io.gmtls.tlcp.TlcpContext;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslProvider;

/**
 * Vehicles of a certs-dev folder as the revocation tests and the revocation benchmark use them: each
 * holds a live MQTT connection through a gateway over TLCP (its SM2 signing and encryption
 * certificates) or TLS 1.3 (its ECDSA certificate), and the time that connection ended is recorded
 * on the connection's I/O thread the moment it closes. Revocations go through pki-ca's admin API, as
 * an operator makes them.
 */
public final class RevocationFleet {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final CredentialFolder folder;
    private final List<X509Certificate> sm2Trust;
    private final List<X509Certificate> ecdsaTrust;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The vehicles of the certs-dev folder {@code pkiDir} (unencrypted keys). */
    public RevocationFleet(Path pkiDir) throws IOException {
        this.folder = new CredentialFolder(pkiDir, null);
        this.sm2Trust = CredentialFolder.bundle(folder.sm2Trust());
        this.ecdsaTrust = CredentialFolder.bundle(folder.ecdsaTrust());
    }

    /**
     * A vehicle and the certificate it presents.
     *
     * @param vin    its VIN
     * @param kind   TLCP (the SM2 signing certificate is the one revoked) or TLS13 (the ECDSA certificate)
     * @param serial the presented certificate's serial in the CA's form (lower-case hex, no leading zeros)
     */
    public record Car(String vin, TransportKind kind, String serial) {
    }

    /** Vehicle {@code vin} connecting with {@code kind} (TLCP or TLS13). */
    public Car car(String vin, TransportKind kind) throws IOException {
        X509Certificate presented = switch (kind) {
            case TLCP -> sm2(vin).signCert();
            case TLS13 -> ecdsa(vin).chain().get(0);
            default -> throw new IllegalArgumentException("TLCP or TLS13, not " + kind);
        };
        return new Car(vin, kind, presented.getSerialNumber().toString(16));
    }

    /**
     * A new security layer for {@code car}'s connections to a gateway on 127.0.0.1:{@code port}: its own
     * session cache, so the second connection through it resumes the first one's session.
     */
    public ClientTransport transport(Car car, int port) throws IOException {
        try {
            if (car.kind() == TransportKind.TLCP) {
                return new TransportFactory(new TransportSettings(TransportKind.TLCP, "localhost", port,
                        TlcpContext.DEFAULT_SUITES, SslProvider.JDK, sm2Trust, TIMEOUT)).withSm2(sm2(car.vin()));
            }
            return new TransportFactory(new TransportSettings(TransportKind.TLS13, "localhost", port,
                    List.of(), SslProvider.JDK, ecdsaTrust, TIMEOUT)).withEcdsa(ecdsa(car.vin()));
        } catch (GeneralSecurityException e) {
            throw new IOException(car.vin() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects through the gateway on 127.0.0.1:{@code port} and subscribes to the vehicle's topics.
     *
     * @param clientId the MQTT client ID: unique per connection, since a broker drops the older of two
     *                 connections with one client ID (a vehicle here is connected through two gateways)
     * @throws IOException with the refusal's cause (e.g. "handshake alert certificate_revoked")
     */
    public Held hold(Car car, ClientTransport transport, int port, String clientId)
            throws IOException, InterruptedException {
        MqttSubscriber subscriber = MqttSubscriber.connect(new MqttSubscriber.Settings(
                new InetSocketAddress("127.0.0.1", port), clientId, "vehicle/" + car.vin() + "/#",
                MqttQoS.AT_MOST_ONCE, MqttVersion.MQTT_3_1_1, 60, TIMEOUT, 64 * 1024), transport, m -> { });
        return new Held(car, subscriber);
    }

    /** {@link #hold(Car, ClientTransport, int, String)} with a new transport (a full handshake). */
    public Held hold(Car car, int port, String clientId) throws IOException, InterruptedException {
        return hold(car, transport(car, port), port, clientId);
    }

    /**
     * Revokes {@code serial} (reason keyCompromise) through the admin API of the CA node at
     * {@code caBaseUrl}; returns {@link System#nanoTime()} when the answer arrived.
     *
     * @throws IOException unless the CA answered 200
     */
    public long revoke(String caBaseUrl, String operatorKey, String serial) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create(caBaseUrl + "/api/v1/admin/certificates/" + serial + "/revoke"))
                .timeout(Duration.ofSeconds(20)).header("X-API-Key", operatorKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"keyCompromise\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        long answered = System.nanoTime();
        if (r.statusCode() != 200) {
            throw new IOException("revoking " + serial + " answered " + r.statusCode() + ": " + r.body());
        }
        return answered;
    }

    private Sm2VehicleCredentials sm2(String vin) throws IOException {
        return folder.sm2Vehicle(vin, sm2Trust);
    }

    private CertificateCredential ecdsa(String vin) throws IOException {
        return folder.ecdsaVehicle(vin, ecdsaTrust);
    }

    /** A live connection of a vehicle, and when it ended. */
    public static final class Held implements AutoCloseable {

        private final Car car;
        private final MqttSubscriber subscriber;
        private final CompletableFuture<Long> closedAt = new CompletableFuture<>();

        Held(Car car, MqttSubscriber subscriber) {
            this.car = car;
            this.subscriber = subscriber;
            // Completed on the connection's I/O thread as it goes inactive: the time is the close itself,
            // not when a test thread next looks. A close of our own (reason null) is not recorded.
            subscriber.closed().whenComplete((reason, e) -> {
                if (reason != null) {
                    closedAt.complete(System.nanoTime());
                }
            });
        }

        public Car car() {
            return car;
        }

        /** Whether its handshake resumed an earlier session of its transport. */
        public boolean resumed() {
            return subscriber.resumed();
        }

        /** Whether the gateway (or anything but {@link #close()}) ended it. */
        public boolean isClosed() {
            return closedAt.isDone();
        }

        /** {@link System#nanoTime()} when it closed, waiting up to {@code timeout}; -1 if still open then. */
        public long awaitClosed(Duration timeout) throws InterruptedException {
            try {
                return closedAt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return -1;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            subscriber.close();
        }
    }
}
