package io.gmtls.proxyprotocol;

import static io.gmtls.proxyprotocol.HaproxyInteropTest.decoded;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Facts built by the gateway come back equal from the receiver's decoder. */
class RoundTripTest {

    private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(ReceiverSettings.defaults());

    @Test
    void tlcpVehicleConnectionWithEveryTlv() throws Exception {
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 51234))
                .destination(new InetSocketAddress(InetAddress.getByName("10.0.0.5"), 8883))
                .protocol("TLCPv1.1")
                .cipher("ECC-SM2-SM4-GCM-SM3")
                .serverName("gateway.example.test")
                .connectionId(ConnectionId.of("gw1-00000042"))
                .clientCertificate(TestData.bcCertificate("interop/tlcp/pki/client_sign.crt"), 0)
                .build();

        for (boolean crc : new boolean[] {false, true}) {
            EncodedHeader header = new ProxyHeaderEncoder(HeaderOptions.defaults().withCrc32c(crc)).encode(facts);

            DecodeResult.Decoded decoded = decoded(decoder.decode(header.bytes()));
            assertThat(decoded.facts()).isEqualTo(facts);
            assertThat(decoded.crc32cVerified()).isEqualTo(crc);
            assertThat(decoded.headerLength()).isEqualTo(header.length()).isLessThanOrEqualTo(500);
            assertThat(header.leftOut()).isEmpty();
        }
        assertThat(facts.commonName()).contains("LSVTEST0000000001");
        assertThat(facts.clientCertificateVerified()).isTrue();
        TlsFacts tls = facts.tls().orElseThrow();
        assertThat(tls.signatureAlgorithm()).contains("SM2-with-SM3");
        assertThat(tls.keyAlgorithm()).contains("SM2");
        assertThat(facts.certificateSerial()).contains("da9c0d655617057c");
        assertThat(facts.certificateSm3Fingerprint()).contains(
                "05d5a4a6a86a9ba5d2e422e17a6add6e8dca51ff3c12b9ed145eec492b088aeb");
        assertThat(facts.certificateIssuer()).contains("CN=Peer Test SM2 Root CA,O=Tongsuo Peer Test,C=CN");
    }

    @Test
    void tls13OverIpv6() throws Exception {
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("2001:db8::17"), 40000))
                .destination(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 8883))
                .protocol("TLSv1.3")
                .cipher("TLS_SM4_GCM_SM3")
                .connectionId(ConnectionId.of(new byte[] {0, 1, 2, (byte) 0xff}))
                .clientCertificate(TestData.bcCertificate("interop/tlcp/pki/client_sign.crt"), 0)
                .build();

        byte[] header = new ProxyHeaderEncoder(HeaderOptions.defaults().withCrc32c(true)).encode(facts).bytes();

        assertThat(header[13]).isEqualTo((byte) 0x21);
        assertThat(decoded(decoder.decode(header)).facts()).isEqualTo(facts);
        assertThat(facts.uniqueId().orElseThrow().asText()).isEqualTo("000102ff");
    }

    @Test
    void mixedFamiliesGoAsIpv4MappedIpv6() throws Exception {
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 50000);
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(client)
                .destination(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 8883))
                .protocol("TLSv1.3")
                .build();

        byte[] header = new ProxyHeaderEncoder(HeaderOptions.defaults()).encode(facts).bytes();

        assertThat(header[13]).isEqualTo((byte) 0x21);
        ConnectionFacts back = decoded(decoder.decode(header)).facts();
        assertThat(back.source().getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(back).isEqualTo(facts);
    }

    @Test
    void clientWithoutCertificateIsNotVerified() throws Exception {
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1000))
                .destination(new InetSocketAddress(InetAddress.getByName("192.0.2.2"), 8883))
                .protocol("TLSv1.3")
                .cipher("TLS_AES_128_GCM_SHA256")
                .build();

        ConnectionFacts back = decoded(decoder.decode(new ProxyHeaderEncoder(HeaderOptions.defaults()).encode(facts).bytes())).facts();

        TlsFacts tls = back.tls().orElseThrow();
        assertThat(tls.clientFlags()).isEqualTo(TlsFacts.CLIENT_SSL);
        assertThat(tls.verifyResult()).isEqualTo(ConnectionFactsBuilder.VERIFY_NO_CLIENT_CERTIFICATE);
        assertThat(tls.commonName()).isEmpty();
        assertThat(back.clientCertificateVerified()).isFalse();
        assertThat(back).isEqualTo(facts);
    }

    @Test
    void resumedSessionSetsCertSessOnlyAndFailedVerifyTravels() throws Exception {
        CertificateFacts cert = CertificateFacts.of(TestData.bcCertificate("interop/tlcp/pki/client_sign.crt"));
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1000))
                .destination(new InetSocketAddress(InetAddress.getByName("192.0.2.2"), 8883))
                .protocol("TLCPv1.1")
                .clientCertificate(cert, 10) // X509_V_ERR_CERT_HAS_EXPIRED
                .sessionResumed(true)
                .build();

        TlsFacts tls = decoded(decoder.decode(new ProxyHeaderEncoder(HeaderOptions.defaults()).encode(facts).bytes()))
                .facts().tls().orElseThrow();

        assertThat(tls.clientFlags()).isEqualTo(TlsFacts.CLIENT_SSL | TlsFacts.CLIENT_CERT_SESS);
        assertThat(tls.verifyResult()).isEqualTo(10);
        assertThat(tls.clientCertificateVerified()).isFalse();
    }

    @Test
    void plainTcpFactsHaveNoSslTlv() throws Exception {
        ConnectionFacts facts = new ConnectionFacts(
                new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1000),
                new InetSocketAddress(InetAddress.getByName("192.0.2.2"), 1883),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        EncodedHeader header = new ProxyHeaderEncoder(new HeaderOptions(Set.of(), false, 500)).encode(facts);

        assertThat(header.length()).isEqualTo(28);
        assertThat(decoded(decoder.decode(header.bytes())).facts()).isEqualTo(facts);
    }

    @Test
    void switchedOffTlvsAreNotWritten() throws Exception {
        ConnectionFacts facts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 1000))
                .destination(new InetSocketAddress(InetAddress.getByName("192.0.2.2"), 8883))
                .protocol("TLCPv1.1")
                .cipher("ECDHE-SM2-SM4-CBC-SM3")
                .serverName("gw.example")
                .clientCertificate(TestData.bcCertificate("interop/tlcp/pki/client_sign.crt"), 0)
                .build();
        HeaderOptions options = HeaderOptions.parse("upstreams[0].proxy-protocol.tlvs",
                java.util.List.of("cert-serial", "ssl-cipher"), 500);

        ConnectionFacts back = decoded(decoder.decode(new ProxyHeaderEncoder(options).encode(facts).bytes())).facts();

        assertThat(back.certificateSerial()).isEqualTo(facts.certificateSerial());
        assertThat(back.tls().orElseThrow().cipher()).contains("ECDHE-SM2-SM4-CBC-SM3");
        assertThat(back.commonName()).isEqualTo(facts.commonName());
        assertThat(back.tls().orElseThrow().protocol()).isEmpty();
        assertThat(back.authority()).isEmpty();
        assertThat(back.certificateIssuer()).isEmpty();
        assertThat(back.certificateSm3Fingerprint()).isEmpty();
        assertThat(back.uniqueId()).isEmpty();
    }
}
