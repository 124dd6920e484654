package io.gmtls.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ClientHelloParserTest {

    /** The ClientHello body inside a one-record first flight. */
    private static ByteBuf body(byte[] record) {
        return Unpooled.wrappedBuffer(record, 9, record.length - 9);
    }

    @Test
    void parsesAJdkTls13Hello() throws Exception {
        ClientHelloSummary hello = ClientHelloParser.parse(body(ClientHellos.jdk("Gateway.Example.COM")));

        assertThat(hello.serverName()).isEqualTo("gateway.example.com");
        assertThat(hello.offersTls13()).isTrue();
        assertThat(hello.offersRfc8998()).isFalse();
        assertThat(hello.cipherSuites()).contains(0x1301, 0x1302);
        assertThat(hello.supportedGroups()).contains(23);
        assertThat(hello.signatureAlgorithms()).contains(0x0403);
    }

    @Test
    void parsesTheRfc8998Hello() throws Exception {
        ClientHelloSummary hello = ClientHelloParser.parse(body(ClientHellos.sm2("vehicle-gw.example")));

        assertThat(hello.offersRfc8998()).isTrue();
        assertThat(hello.serverName()).isEqualTo("vehicle-gw.example");
    }

    @Test
    void tls12HelloDoesNotOfferTls13() throws Exception {
        assertThat(ClientHelloParser.parse(body(ClientHellos.jdkTls12("a.example"))).offersTls13()).isFalse();
    }

    @Test
    void everyTruncationIsRejectedCleanly() throws Exception {
        byte[] record = ClientHellos.jdk("localhost.example");
        int parsed = 0;
        for (int length = 9; length < record.length; length++) {
            ByteBuf truncated = Unpooled.wrappedBuffer(Arrays.copyOf(record, length), 9, length - 9);
            try {
                // Cut exactly before the extensions it is a well-formed pre-1.3 hello: parsed, but no TLS 1.3.
                assertThat(ClientHelloParser.parse(truncated).offersTls13()).isFalse();
                parsed++;
            } catch (ClientHelloParser.MalformedClientHelloException expected) {
                // Rejected.
            }
        }
        assertThat(parsed).isEqualTo(1);
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws Exception {
        byte[] original = ClientHellos.jdk("fuzz.example");
        Random random = new Random(8998);
        for (int round = 0; round < 5_000; round++) {
            byte[] mutated = original.clone();
            int flips = 1 + random.nextInt(8);
            for (int i = 0; i < flips; i++) {
                mutated[9 + random.nextInt(mutated.length - 9)] = (byte) random.nextInt(256);
            }
            try {
                ClientHelloParser.parse(body(mutated));
            } catch (ClientHelloParser.MalformedClientHelloException expected) {
                // Rejected: fine. Anything else would fail the test.
            }
        }
    }

    @Test
    void duplicateExtensionsAndBadHostNamesAreRejected() {
        // legacy_version, random, empty session id, one suite, null compression, then extensions.
        byte[] sni = {0x00, 0x00, 0x00, 0x08, 0x00, 0x06, 0x00, 0x00, 0x03, 'a', '/', 'b'};
        byte[] twice = {0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04, 0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04};
        assertThatThrownBy(() -> ClientHelloParser.parse(hello(sni)))
                .isInstanceOf(ClientHelloParser.MalformedClientHelloException.class)
                .hasMessageContaining("host_name");
        assertThatThrownBy(() -> ClientHelloParser.parse(hello(twice)))
                .isInstanceOf(ClientHelloParser.MalformedClientHelloException.class)
                .hasMessageContaining("twice");
    }

    private static ByteBuf hello(byte[] extensions) {
        ByteBuf body = Unpooled.buffer();
        body.writeShort(0x0303).writeZero(32).writeByte(0).writeShort(2).writeShort(0x1301).writeByte(1).writeByte(0);
        body.writeShort(extensions.length).writeBytes(extensions);
        return body;
    }
}
