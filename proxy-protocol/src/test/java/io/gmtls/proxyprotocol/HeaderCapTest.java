package io.gmtls.proxyprotocol;

import static io.gmtls.proxyprotocol.HaproxyInteropTest.decoded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The 500-byte cap: optional TLVs that would exceed it are left out whole, the mandatory ones never. */
class HeaderCapTest {

    private static final String VIN = "LGMDEV00000000001";
    private static ConnectionFacts longIssuerFacts;

    private final ProxyHeaderDecoder roomyDecoder =
            new ProxyHeaderDecoder(ReceiverSettings.defaults().withMaxHeaderBytes(HeaderOptions.MAX_MAX_HEADER_BYTES));

    @BeforeAll
    static void vehicleWithLongIssuerDn() throws Exception {
        KeyPair caKey = TestData.sm2KeyPair();
        KeyPair vehicleKey = TestData.sm2KeyPair();
        String longIssuer = "C=CN,O=Example Connected Vehicle Platform Co. Ltd.,"
                + "OU=Public Key Infrastructure Department of the Northern Region,"
                + "OU=Telematics Box Certificate Services for Passenger Vehicles,"
                + "OU=Production Environment Issuing Authority Number Two,"
                + "OU=Automotive Grade SM2 Signing Certificates Operational Unit,"
                + "CN=Example Vehicle Platform SM2 Issuing Certification Authority G2";
        X509Certificate vehicle = TestData.certificate(longIssuer, caKey,
                "C=CN,O=GM TLS Dev,OU=T-Box,CN=" + VIN, vehicleKey, new BigInteger("1234567890abcdef1234", 16), "SM3withSM2");
        longIssuerFacts = ConnectionFacts.builder()
                .source(new InetSocketAddress(InetAddress.getByName("2001:db8:1::17"), 51234))
                .destination(new InetSocketAddress(InetAddress.getByName("2001:db8:2::5"), 8883))
                .protocol("TLCPv1.1")
                .cipher("ECC-SM2-SM4-GCM-SM3")
                .serverName("mqtt-gateway.vehicles.example.com")
                .connectionId(ConnectionId.of("gw-cn-north-1a-7f3c9e21-000000000042"))
                .clientCertificate(vehicle, 0)
                .build();
        assertThat(longIssuerFacts.certificateIssuer().orElseThrow().getBytes(StandardCharsets.UTF_8).length)
                .isGreaterThan(300);
    }

    @Test
    void longIssuerDnIsLeftOutAtTheDefaultCap() {
        EncodedHeader header = new ProxyHeaderEncoder(HeaderOptions.defaults().withCrc32c(true)).encode(longIssuerFacts);

        assertThat(header.length()).isLessThanOrEqualTo(500);
        assertThat(header.leftOut()).containsExactly(OptionalTlv.CERT_ISSUER);
        ConnectionFacts back = decoded(new ProxyHeaderDecoder(ReceiverSettings.defaults()).decode(header.bytes())).facts();
        assertThat(back.certificateIssuer()).isEmpty();
        assertThat(back.commonName()).contains(VIN);
        assertThat(back.tls().orElseThrow().verifyResult()).isZero();
        assertThat(back.certificateSerial()).contains("1234567890abcdef1234");
        assertThat(back.certificateSm3Fingerprint()).isEqualTo(longIssuerFacts.certificateSm3Fingerprint());
        assertThat(back.authority()).contains("mqtt-gateway.vehicles.example.com");
        assertThat(back.tls()).isEqualTo(longIssuerFacts.tls());
    }

    @Test
    void withARaisedCapNothingIsLeftOut() {
        EncodedHeader header = new ProxyHeaderEncoder(HeaderOptions.defaults().withMaxHeaderBytes(1000)).encode(longIssuerFacts);

        assertThat(header.leftOut()).isEmpty();
        assertThat(header.length()).isGreaterThan(500);
        assertThat(decoded(roomyDecoder.decode(header.bytes())).facts()).isEqualTo(longIssuerFacts);
    }

    @Test
    void eachLeftOutTlvWouldHaveExceededTheCapAndMandatoryFieldsStay() {
        for (int cap = 90; cap <= 700; cap++) {
            HeaderOptions options = HeaderOptions.defaults().withCrc32c(true).withMaxHeaderBytes(cap);
            EncodedHeader header = new ProxyHeaderEncoder(options).encode(longIssuerFacts);

            assertThat(header.length()).isLessThanOrEqualTo(cap);
            ConnectionFacts back = decoded(roomyDecoder.decode(header.bytes())).facts();
            assertThat(back.commonName()).contains(VIN);
            assertThat(back.tls().orElseThrow().clientFlags()).isEqualTo(7);
            assertThat(back.tls().orElseThrow().verifyResult()).isZero();
            for (OptionalTlv option : header.leftOut()) {
                assertThat(header.length() + 3 + valueLength(option)).as("cap %d, %s", cap, option).isGreaterThan(cap);
            }
            // Kept values are whole: equal to the originals, never cut.
            back.certificateIssuer().ifPresent(v -> assertThat(v).isEqualTo(longIssuerFacts.certificateIssuer().get()));
            back.uniqueId().ifPresent(v -> assertThat(v).isEqualTo(longIssuerFacts.uniqueId().get()));
            back.authority().ifPresent(v -> assertThat(v).isEqualTo(longIssuerFacts.authority().get()));
        }
    }

    @Test
    void priorityDecidesBetweenCompetingFields() {
        // Room for exactly one more 67-byte fingerprint or a few short fields: the serial and the
        // version come first; the fingerprint does not fit, the shorter SNI after it still does.
        int mandatory = 16 + 36 + 8 + 3 + VIN.length();
        int serial = 3 + 20;
        int version = 3 + "TLCPv1.1".length();
        int authority = 3 + "mqtt-gateway.vehicles.example.com".length();
        int cap = mandatory + serial + version + authority + 10;
        HeaderOptions options = new HeaderOptions(EnumSet.of(OptionalTlv.CERT_SERIAL, OptionalTlv.SSL_VERSION,
                OptionalTlv.CERT_SM3_FINGERPRINT, OptionalTlv.AUTHORITY), false, cap);

        EncodedHeader header = new ProxyHeaderEncoder(options).encode(longIssuerFacts);

        assertThat(header.leftOut()).containsExactly(OptionalTlv.CERT_SM3_FINGERPRINT);
        assertThat(header.length()).isEqualTo(cap - 10);
    }

    @Test
    void failsWhenEvenTheMandatoryFieldsDoNotFit() {
        // IPv6: 16 + 36 fixed, SSL 3 + 5, CN 3 + 17 = 80 bytes > 64.
        HeaderOptions tiny = HeaderOptions.defaults().withMaxHeaderBytes(HeaderOptions.MIN_MAX_HEADER_BYTES);

        assertThatThrownBy(() -> new ProxyHeaderEncoder(tiny).encode(longIssuerFacts))
                .isInstanceOf(HeaderTooLargeException.class)
                .hasMessageContaining("80").hasMessageContaining("64");
        assertThat(new ProxyHeaderEncoder(tiny.withMaxHeaderBytes(80).withInclude(Set.of())).encode(longIssuerFacts).length())
                .isEqualTo(80);
    }

    private static int valueLength(OptionalTlv option) {
        ConnectionFacts f = longIssuerFacts;
        TlsFacts tls = f.tls().orElseThrow();
        String value = switch (option) {
            case CERT_SERIAL -> f.certificateSerial().orElseThrow();
            case SSL_VERSION -> tls.protocol().orElseThrow();
            case UNIQUE_ID -> f.uniqueId().orElseThrow().asText();
            case CERT_SM3_FINGERPRINT -> f.certificateSm3Fingerprint().orElseThrow();
            case AUTHORITY -> f.authority().orElseThrow();
            case SSL_CIPHER -> tls.cipher().orElseThrow();
            case CERT_KEY_ALG -> tls.keyAlgorithm().orElseThrow();
            case CERT_SIG_ALG -> tls.signatureAlgorithm().orElseThrow();
            case CERT_ISSUER -> f.certificateIssuer().orElseThrow();
        };
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
