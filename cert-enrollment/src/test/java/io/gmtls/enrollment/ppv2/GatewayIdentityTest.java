package io.gmtls.enrollment.ppv2;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ConnectionId;
import io.gmtls.proxyprotocol.TlsFacts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayIdentityTest {

    private static ConnectionFacts facts(int flags, int verify, String cn, String serial) throws Exception {
        return new ConnectionFacts(new InetSocketAddress(InetAddress.getByName("10.9.8.7"), 50000),
                new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 443),
                Optional.of(new TlsFacts(flags, verify, Optional.of("TLCPv1.1"), Optional.ofNullable(cn),
                        Optional.empty(), Optional.empty(), Optional.empty())),
                Optional.empty(), Optional.of(ConnectionId.of("gw-1")), Optional.ofNullable(serial), Optional.empty(),
                Optional.empty());
    }

    @Test
    void aVerifiedCertificateIsTheIdentity() throws Exception {
        GatewayIdentity id = GatewayIdentity.of(facts(TlsFacts.CLIENT_SSL | TlsFacts.CLIENT_CERT_CONN, 0, "GMTDEV01",
                "1a2b"));
        assertThat(id.certificate()).contains(new GatewayIdentity.VerifiedCertificate("GMTDEV01", Optional.of("1a2b")));
        assertThat(id.presentedUnverified()).isFalse();
        assertThat(id.clientAddress()).isEqualTo("10.9.8.7");
        assertThat(id.describe()).isEqualTo("from=10.9.8.7 via=TLCPv1.1 conn=gw-1");
    }

    @Test
    void aCertificateThatDidNotVerifyIsNoIdentity() throws Exception {
        GatewayIdentity id = GatewayIdentity.of(facts(TlsFacts.CLIENT_SSL | TlsFacts.CLIENT_CERT_CONN, 20, "GMTDEV01",
                "1a2b"));
        assertThat(id.certificate()).isEmpty();
        assertThat(id.presentedUnverified()).isTrue();
    }

    @Test
    void verifyZeroWithoutACertificateFlagIsNoIdentity() throws Exception {
        // verify=0 alone proves nothing: without a certificate there was nothing to verify.
        GatewayIdentity id = GatewayIdentity.of(facts(TlsFacts.CLIENT_SSL, 0, "GMTDEV01", "1a2b"));
        assertThat(id.certificate()).isEmpty();
        assertThat(id.presentedUnverified()).isFalse();
    }

    @Test
    void aResumedSessionCarriesTheSessionsCertificate() throws Exception {
        GatewayIdentity id = GatewayIdentity.of(facts(TlsFacts.CLIENT_SSL | TlsFacts.CLIENT_CERT_SESS, 0,
                "LGMTST00000000001", null));
        assertThat(id.certificate()).contains(new GatewayIdentity.VerifiedCertificate("LGMTST00000000001",
                Optional.empty()));
    }
}
