package io.gmtls.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Reads HAProxy 2.6's recorded headers and writes byte-identical ones for the same facts. */
class HaproxyInteropTest {

    private static final String CN = "LSVTEST0000000002";
    private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(ReceiverSettings.defaults());

    @Test
    void decodesSendProxyV2SslCn() throws Exception {
        TestData.Recorded recorded = TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json");

        DecodeResult.Decoded decoded = decoded(decoder.decode(recorded.headerThenPayload()));

        assertThat(decoded.headerLength()).isEqualTo(recorded.headerLength()).isEqualTo(66);
        assertThat(decoded.crc32cVerified()).isFalse();
        ConnectionFacts facts = decoded.facts();
        assertThat(facts.source()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0xb91c));
        assertThat(facts.destination()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0x3c53));
        TlsFacts tls = facts.tls().orElseThrow();
        assertThat(tls.clientFlags()).isEqualTo(0x07);
        assertThat(tls.verifyResult()).isZero();
        assertThat(tls.clientCertificateVerified()).isTrue();
        assertThat(tls.protocol()).contains("TLSv1.3");
        assertThat(tls.commonName()).contains(CN);
        assertThat(tls.cipher()).isEmpty();
        assertThat(facts.authority()).isEmpty();
        assertThat(facts.uniqueId()).isEmpty();
        assertThat(Arrays.copyOfRange(recorded.headerThenPayload(), decoded.headerLength(),
                recorded.headerThenPayload().length)).isEqualTo(recorded.payload());
    }

    @Test
    void decodesFullHeaderWithCrc32c() throws Exception {
        TestData.Recorded recorded = TestData.haproxy("haproxy-send-proxy-v2-full.json");

        DecodeResult.Decoded decoded = decoded(decoder.decode(recorded.headerThenPayload()));

        assertThat(decoded.headerLength()).isEqualTo(recorded.headerLength()).isEqualTo(152);
        assertThat(decoded.crc32cVerified()).isTrue();
        ConnectionFacts facts = decoded.facts();
        assertThat(facts.source().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(facts.source().getPort()).isEqualTo(0xeb72);
        assertThat(facts.destination().getPort()).isEqualTo(0x3c55);
        TlsFacts tls = facts.tls().orElseThrow();
        assertThat(tls.clientFlags()).isEqualTo(TlsFacts.CLIENT_SSL | TlsFacts.CLIENT_CERT_CONN | TlsFacts.CLIENT_CERT_SESS);
        assertThat(tls.verifyResult()).isZero();
        assertThat(tls.protocol()).contains("TLSv1.3");
        assertThat(tls.commonName()).contains(CN);
        assertThat(tls.cipher()).contains("TLS_AES_256_GCM_SHA384");
        assertThat(tls.signatureAlgorithm()).contains("ecdsa-with-SHA256");
        assertThat(tls.keyAlgorithm()).contains("EC256");
        assertThat(facts.authority()).contains("gateway.example.test");
        // HAProxy had no unique-id-format: it sent an empty PP2_TYPE_UNIQUE_ID, which reads as absent.
        assertThat(facts.uniqueId()).isEmpty();
        assertThat(facts.certificateSerial()).isEmpty();
    }

    @Test
    void requiringCrc32cAcceptsTheFullHeaderAndRefusesTheOther() throws Exception {
        ProxyHeaderDecoder strict = new ProxyHeaderDecoder(ReceiverSettings.defaults().withRequireCrc32c(true));

        assertThat(strict.decode(TestData.haproxy("haproxy-send-proxy-v2-full.json").header()))
                .isInstanceOf(DecodeResult.Decoded.class);
        assertThat(strict.decode(TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json").header()))
                .isInstanceOfSatisfying(DecodeResult.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo(RejectReason.CRC32C_MISSING));
    }

    @Test
    void encodesTheFullHeaderByteForByteFromTheClientCertificate() throws Exception {
        TestData.Recorded recorded = TestData.haproxy("haproxy-send-proxy-v2-full.json");
        X509Certificate clientCert = TestData.jdkCertificate("interop/ppv2/client.crt");
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0xeb72))
                .destination(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0x3c55))
                .protocol("TLSv1.3")
                .cipher("TLS_AES_256_GCM_SHA384")
                .serverName("gateway.example.test")
                .clientCertificate(clientCert, 0)
                .build();
        HeaderOptions haproxyOptions = new HeaderOptions(EnumSet.of(OptionalTlv.SSL_VERSION, OptionalTlv.SSL_CIPHER,
                OptionalTlv.CERT_SIG_ALG, OptionalTlv.CERT_KEY_ALG, OptionalTlv.UNIQUE_ID, OptionalTlv.AUTHORITY),
                true, HeaderOptions.DEFAULT_MAX_HEADER_BYTES);

        EncodedHeader ours = new ProxyHeaderEncoder(haproxyOptions).encode(facts);

        assertThat(ours.bytes()).isEqualTo(recorded.header());
        assertThat(ours.leftOut()).isEmpty();
        assertThat(decoded(decoder.decode(ours.bytes())).facts())
                .isEqualTo(withoutCertificateTlvs(facts))
                .isEqualTo(decoded(decoder.decode(recorded.header())).facts());
    }

    @Test
    void encodesTheSslCnHeaderByteForByte() throws Exception {
        TestData.Recorded recorded = TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json");
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0xb91c))
                .destination(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0x3c53))
                .protocol("TLSv1.3")
                .clientCertificate(TestData.jdkCertificate("interop/ppv2/client.crt"), 0)
                .build();

        EncodedHeader ours = new ProxyHeaderEncoder(new HeaderOptions(EnumSet.of(OptionalTlv.SSL_VERSION), false,
                HeaderOptions.DEFAULT_MAX_HEADER_BYTES)).encode(facts);

        assertThat(ours.bytes()).isEqualTo(recorded.header());
    }

    @Test
    void withOurCustomTlvsTheHaproxySectionsStayByteIdentical() throws Exception {
        TestData.Recorded recorded = TestData.haproxy("haproxy-send-proxy-v2-full.json");
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0xeb72))
                .destination(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0x3c55))
                .protocol("TLSv1.3")
                .cipher("TLS_AES_256_GCM_SHA384")
                .serverName("gateway.example.test")
                .clientCertificate(TestData.jdkCertificate("interop/ppv2/client.crt"), 0)
                .build();

        byte[] ours = new ProxyHeaderEncoder(HeaderOptions.defaults().withCrc32c(true)).encode(facts).bytes();

        // Addresses and ports: identical. TLVs after the CRC value: HAProxy's sequence first, ours appended.
        assertThat(Arrays.copyOfRange(ours, 16, 28)).isEqualTo(Arrays.copyOfRange(recorded.header(), 16, 28));
        assertThat(Arrays.copyOfRange(ours, 35, recorded.header().length))
                .isEqualTo(Arrays.copyOfRange(recorded.header(), 35, recorded.header().length));
        assertThat(ours[recorded.header().length] & 0xFF).isEqualTo(TlvType.CERT_SERIAL.code());
        ConnectionFacts decoded = decoded(decoder.decode(ours)).facts();
        assertThat(decoded).isEqualTo(facts);
        assertThat(decoded.certificateSerial()).contains("a1b2c3d4e5f6071");
        assertThat(decoded.certificateIssuer()).contains("CN=PPv2 Test Root,O=PPv2 Peer Test,C=CN");
    }

    private static ConnectionFacts withoutCertificateTlvs(ConnectionFacts facts) {
        return new ConnectionFacts(facts.source(), facts.destination(), facts.tls(), facts.authority(),
                facts.uniqueId(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static DecodeResult.Decoded decoded(DecodeResult result) {
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return (DecodeResult.Decoded) result;
    }
}
