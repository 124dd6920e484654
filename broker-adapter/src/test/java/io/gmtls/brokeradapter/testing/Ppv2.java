package io.gmtls.brokeradapter.testing;

import java.net.InetSocketAddress;
import java.util.Optional;

import io.gmtls.proxyprotocol.CertificateFacts;
import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ConnectionFactsBuilder;
import io.gmtls.proxyprotocol.ConnectionId;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.proxyprotocol.ProxyHeaderEncoder;

/** PPv2 headers as the gateway writes them, encoded by the proxy-protocol module. */
public final class Ppv2 {

    /** The vehicle address the tests' headers carry (not the address the test connects from). */
    public static final InetSocketAddress VEHICLE = new InetSocketAddress("10.9.8.7", 40123);
    public static final String SERIAL = "5a3c0f17e2";
    public static final String SM3 = "6e0f9e14344c5406a0cf5a3b4dfb665f87f4a771a31f7edbb5c72874a32b2957";
    public static final String ISSUER = "CN=GM TLS Dev Issuing CA,O=GM TLS Dev,C=CN";

    private static final ProxyHeaderEncoder ENCODER = new ProxyHeaderEncoder(HeaderOptions.defaults());

    private Ppv2() {
    }

    /** A header for a verified vehicle certificate with CN {@code cn}. */
    public static byte[] verified(String cn) {
        return header(Optional.of(cn), 0);
    }

    /** A header for a certificate with CN {@code cn} whose chain failed to verify. */
    public static byte[] unverified(String cn, int verifyResult) {
        return header(Optional.of(cn), verifyResult);
    }

    /** A header for a verified certificate without a CN. */
    public static byte[] withoutCn() {
        return header(Optional.empty(), 0);
    }

    /** A header without the serial TLV. */
    public static byte[] withoutSerial(String cn) {
        ConnectionFacts facts = builder(Optional.of(cn), 0).build();
        ConnectionFacts noSerial = new ConnectionFacts(facts.source(), facts.destination(), facts.tls(),
                facts.authority(), facts.uniqueId(), Optional.empty(), facts.certificateSm3Fingerprint(),
                facts.certificateIssuer());
        return ENCODER.encode(noSerial).bytes();
    }

    /** A header of a plain-TCP client: no SSL TLV at all. */
    public static byte[] plainTcp() {
        return ENCODER.encode(ConnectionFacts.builder().source(VEHICLE)
                .destination(new InetSocketAddress("10.0.0.1", 8883)).build()).bytes();
    }

    private static byte[] header(Optional<String> cn, int verify) {
        return ENCODER.encode(builder(cn, verify).build()).bytes();
    }

    private static ConnectionFactsBuilder builder(Optional<String> cn, int verify) {
        return ConnectionFacts.builder()
                .source(VEHICLE)
                .destination(new InetSocketAddress("10.0.0.1", 8883))
                .protocol("TLCPv1.1")
                .cipher("ECC-SM2-SM4-GCM-SM3")
                .connectionId(ConnectionId.of("gw1-000042"))
                .clientCertificate(new CertificateFacts(cn, SERIAL, SM3, ISSUER, "SM2-with-SM3", "SM2"), verify);
    }
}
