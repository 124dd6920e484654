package io.gmtls.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gmtls.tlcp.Alert;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.message.ClientHello;
import io.gmtls.tlcp.message.HandshakeType;
import io.gmtls.tlcp.record.ContentType;

/**
 * The gateway's TLCP record layer as a peer sees it on a real socket: the first server flight is one
 * handshake message per record (GmSSL 3 clients refuse anything else), and a record header announcing
 * more than 2^14 + 2048 bytes is answered at once with record_overflow and a close — not after the
 * handshake timeout, which is set long here (30 s) so that the two cannot be confused.
 */
class GatewayTlcpWireIT {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    @TempDir
    static Path dir;
    static Gateway gateway;
    static PpEchoUpstream upstream;
    static int port;
    static ListAppender<ILoggingEvent> access;

    @BeforeAll
    static void start() throws Exception {
        GatewayFixture fixture = new GatewayFixture(dir);
        upstream = PpEchoUpstream.start();
        GatewayFixture.Settings settings = new GatewayFixture.Settings().upstreams(upstream.port());
        settings.handshakeTimeout = "30s";
        gateway = Gateway.start(fixture.write(settings));
        port = gateway.listenerAddress("mqtt").getPort();
        access = GatewayFixture.captureAccessLog();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.shutdown(Duration.ofSeconds(1));
        upstream.close();
    }

    @ParameterizedTest
    @EnumSource(value = TlcpCipherSuite.class, names = {"ECC_SM4_GCM_SM3", "ECDHE_SM4_GCM_SM3"})
    void firstServerFlightIsOneRecordPerHandshakeMessage(TlcpCipherSuite suite) throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(clientHello(suite));
            List<Integer> types = new ArrayList<>();
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (!types.contains(HandshakeType.SERVER_HELLO_DONE)) {
                byte[] header = new byte[ContentType.HEADER];
                in.readFully(header);
                assertThat(header[0]).as("record type").isEqualTo((byte) ContentType.HANDSHAKE);
                byte[] fragment = new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)];
                in.readFully(fragment);
                int bodyLength = ((fragment[1] & 0xff) << 16) | ((fragment[2] & 0xff) << 8) | (fragment[3] & 0xff);
                assertThat(4 + bodyLength).as("one message fills the record").isEqualTo(fragment.length);
                types.add(fragment[0] & 0xff);
            }
            assertThat(types).containsExactly(HandshakeType.SERVER_HELLO, HandshakeType.CERTIFICATE,
                    HandshakeType.SERVER_KEY_EXCHANGE, HandshakeType.CERTIFICATE_REQUEST,
                    HandshakeType.SERVER_HELLO_DONE);
        }
    }

    @Test
    void oversizedFirstRecordIsAnsweredWithRecordOverflowAtOnce() throws Exception {
        try (Socket s = connect()) {
            // One byte over the TLCP maximum, and a little of the announced body.
            int length = ContentType.MAX_CIPHERTEXT + 1;
            s.getOutputStream().write(new byte[] {22, 1, 1, (byte) (length >>> 8), (byte) length, 1, 0, 0, 0});
            long start = System.nanoTime();
            byte[] answer = readToEnd(s.getInputStream());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWER_WITHIN);
            assertThat(answer).containsExactly(fatalRecordOverflow());
            // The access log names the reason (not a timeout, not a bare close).
            GatewayFixture.awaitAccessLine(access, "client=127.0.0.1:" + s.getLocalPort() + " ", "record_overflow");
        }
    }

    @Test
    void oversizedRecordAfterTheClientHelloIsAnsweredWithRecordOverflowAtOnce() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(clientHello(TlcpCipherSuite.ECC_SM4_GCM_SM3));
            out.write(new byte[] {22, 1, 1, (byte) 0xff, (byte) 0xff, 11});
            long start = System.nanoTime();
            byte[] answer = readToEnd(s.getInputStream());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWER_WITHIN);
            byte[] alert = fatalRecordOverflow();
            // The server flight may or may not have left before the bad header was read; the alert
            // ends the stream either way.
            assertThat(Arrays.copyOfRange(answer, answer.length - alert.length, answer.length)).containsExactly(alert);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout((int) ANSWER_WITHIN.toMillis());
        return s;
    }

    /** A TLCP ClientHello record offering one suite. */
    private static byte[] clientHello(TlcpCipherSuite suite) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        byte[] message = new ClientHello(ContentType.VERSION, random, new byte[0], new int[] {suite.id()},
                new byte[] {0}, List.of()).encode();
        byte[] record = new byte[ContentType.HEADER + message.length];
        record[0] = ContentType.HANDSHAKE;
        record[1] = 1;
        record[2] = 1;
        record[3] = (byte) (message.length >>> 8);
        record[4] = (byte) message.length;
        System.arraycopy(message, 0, record, ContentType.HEADER, message.length);
        return record;
    }

    private static byte[] fatalRecordOverflow() {
        return new byte[] {ContentType.ALERT, 1, 1, 0, 2, Alert.LEVEL_FATAL, (byte) Alert.RECORD_OVERFLOW.code()};
    }

    /** Everything the gateway sends until it closes; a read timeout fails the test. */
    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no close within " + ANSWER_WITHIN + "; received " + all.size() + " bytes", e);
        } catch (EOFException e) {
            // closed
        }
        return all.toByteArray();
    }
}
