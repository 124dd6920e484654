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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

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
import io.gmtls.tlcp.TlcpDetector;

/**
 * The gateway's TLCP record layer as a peer sees it on a real socket: the first server flight is one
 * handshake message per record (GmSSL 3 clients refuse anything else), and a record header announcing
 * more than 2^14 + 2048 bytes is answered at once with record_overflow and a close — not after the
 * handshake timeout, which is set long here (30 s) so that the two cannot be confused.
 */
class GatewayTlcpWireIT {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
    // Record and handshake message types (GB/T 38636-2020 6.3.3, 6.4.5), written out: the test checks
    // the wire, not the engine's own constants.
    private static final int ALERT = 21;
    private static final int HANDSHAKE = 22;
    private static final int SERVER_HELLO = 2;
    private static final int CERTIFICATE = 11;
    private static final int SERVER_KEY_EXCHANGE = 12;
    private static final int CERTIFICATE_REQUEST = 13;
    private static final int SERVER_HELLO_DONE = 14;

    @TempDir
    static Path dir;
    static GatewayFixture fixture;
    static Gateway gateway;
    static PpEchoUpstream upstream;
    static int port;
    static ListAppender<ILoggingEvent> access;

    @BeforeAll
    static void start() throws Exception {
        fixture = new GatewayFixture(dir);
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
            while (!types.contains(SERVER_HELLO_DONE)) {
                byte[] header = new byte[TlcpDetector.RECORD_HEADER_LENGTH];
                in.readFully(header);
                assertThat(header[0]).as("record type").isEqualTo((byte) HANDSHAKE);
                byte[] fragment = new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)];
                in.readFully(fragment);
                int bodyLength = ((fragment[1] & 0xff) << 16) | ((fragment[2] & 0xff) << 8) | (fragment[3] & 0xff);
                assertThat(4 + bodyLength).as("one message fills the record").isEqualTo(fragment.length);
                types.add(fragment[0] & 0xff);
            }
            assertThat(types).containsExactly(SERVER_HELLO, CERTIFICATE, SERVER_KEY_EXCHANGE, CERTIFICATE_REQUEST,
                    SERVER_HELLO_DONE);
        }
    }

    @Test
    void oversizedFirstRecordIsAnsweredWithRecordOverflowAtOnce() throws Exception {
        try (Socket s = connect()) {
            // One byte over the TLCP maximum, and a little of the announced body.
            int length = TlcpDetector.MAX_RECORD_LENGTH + 1;
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

    /** A TLCP ClientHello record offering one suite: a vehicle client engine's first flight. */
    private static byte[] clientHello(TlcpCipherSuite suite) throws SSLException {
        SSLEngine engine = fixture.tlcpClient(fixture.pki.vehicles().get(0), suite).newClientEngine("localhost", port);
        engine.beginHandshake();
        ByteBuffer record = ByteBuffer.allocate(TlcpDetector.RECORD_HEADER_LENGTH + TlcpDetector.MAX_RECORD_LENGTH);
        engine.wrap(ByteBuffer.allocate(0), record);
        record.flip();
        assertThat(record.get(0)).as("a handshake record").isEqualTo((byte) HANDSHAKE);
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        return bytes;
    }

    private static byte[] fatalRecordOverflow() {
        return new byte[] {ALERT, 1, 1, 0, 2, Alert.LEVEL_FATAL, (byte) Alert.RECORD_OVERFLOW.code()};
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
