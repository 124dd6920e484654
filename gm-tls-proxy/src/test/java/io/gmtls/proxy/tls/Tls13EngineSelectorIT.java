package io.gmtls.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.crypto.tls.Sm2Tls13ClientEngines;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The selector over real sockets: hostile first bytes close the connection without an exception reaching
 * later handlers, and SNI picks the credentials on both engines.
 */
class Tls13EngineSelectorIT {

    private static Tls13ServerContexts contexts;
    private static EchoServer server;

    @BeforeAll
    static void start() throws Exception {
        Tls13ServerCredentials credentials = new Tls13ServerCredentials(TestPki.gatewayIdentity(TestPki.PKI),
                Map.of("ALT.example", TestPki.gatewayIdentity(TestPki.ALT)));
        contexts = Tls13ServerContexts.builder(credentials).build();
        server = new EchoServer(() -> new Tls13EngineSelector(contexts, Tls13EngineSelector.DEFAULT_MAX_CLIENT_HELLO_LENGTH,
                500), false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends bytes and reports whether the server closed the connection within the deadline. */
    private static boolean closedAfterSending(byte[] bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            try {
                while (true) {
                    int read = in.read();
                    if (read < 0) {
                        return true;
                    }
                }
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (java.net.SocketException reset) {
                return true;
            }
        }
    }

    private static void assertClosedQuietly(byte[] bytes) throws Exception {
        assertThat(closedAfterSending(bytes)).as("server closed the connection").isTrue();
        EchoServer.Observed seen = server.next();
        assertThat(seen.handshakeSucceeded()).isFalse();
        assertThat(seen.selection()).isNull();
        assertThat(seen.exceptionsReachingTail()).isEmpty();
    }

    @Test
    void plainTextIsClosed() throws Exception {
        assertClosedQuietly("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void tlcpRecordIsClosed() throws Exception {
        // A TLCP ClientHello header (version 0x0101) is not for this handler.
        assertClosedQuietly(new byte[] {0x16, 0x01, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00});
    }

    @Test
    void truncatedClientHelloIsClosedAtTheTimeout() throws Exception {
        byte[] hello = ClientHellos.jdk("localhost");
        byte[] truncated = java.util.Arrays.copyOf(hello, hello.length / 2);
        assertClosedQuietly(truncated);
    }

    @Test
    void oversizedClientHelloIsClosed() throws Exception {
        byte[] record = new byte[5 + 16 * 1024];
        record[0] = 0x16;
        record[1] = 0x03;
        record[2] = 0x01;
        record[3] = 0x40;
        record[4] = 0x00;
        record[5] = 0x01;
        record[6] = (byte) 0xFF;
        record[7] = (byte) 0xFF;
        record[8] = (byte) 0xFF;
        assertClosedQuietly(record);
    }

    @Test
    void garbageInsideAWellFramedClientHelloIsClosed() throws Exception {
        byte[] hello = ClientHellos.jdk("localhost");
        for (int i = 9 + 2 + 32; i < hello.length; i++) {
            hello[i] = (byte) 0xEE;
        }
        assertClosedQuietly(hello);
    }

    @Test
    void tls12OnlyClientHelloIsClosed() throws Exception {
        assertClosedQuietly(ClientHellos.jdkTls12("localhost"));
    }

    @Test
    void sniPicksTheStandardCertificate() throws Exception {
        X509Certificate[] seenByClient = new X509Certificate[1];
        String echo = StandardTls13HandshakeIT.jdkExchange(server.port(), "alt.example", null,
                TestPki.ALT.ecdsaTrust(), "alt", seenByClient);
        EchoServer.Observed seen = server.next();

        assertThat(echo).isEqualTo("alt");
        assertThat(seenByClient[0]).isEqualTo(TestPki.ALT.ecdsaGateway().certificate());
        assertThat(seen.selection().serverName()).isEqualTo("alt.example");

        StandardTls13HandshakeIT.jdkExchange(server.port(), "localhost", null, TestPki.PKI.ecdsaTrust(), "default",
                seenByClient);
        server.next();
        assertThat(seenByClient[0]).isEqualTo(TestPki.PKI.ecdsaGateway().certificate());
    }

    @Test
    void sniPicksTheSm2Certificate() throws Exception {
        Sm2Tls13ClientEngines tls = Sm2Tls13ClientEngines.create(null, TestPki.ALT.sm2Trust());

        NettyTestClient.Outcome outcome = NettyTestClient.exchange(server.port(),
                () -> tls.newHandler("alt.example", server.port()), "sm alt");
        EchoServer.Observed seen = server.next();

        assertThat(outcome.failure()).isNull();
        assertThat(outcome.echo()).isEqualTo("sm alt");
        assertThat(outcome.peerSubject()).isEqualTo(
                TestPki.ALT.gatewaySm2Tls().certificate().getSubjectX500Principal().getName());
        assertThat(seen.selection()).isEqualTo(new Tls13Selection("alt.example", Tls13EngineKind.SM2_BOUNCYCASTLE));
    }
}
