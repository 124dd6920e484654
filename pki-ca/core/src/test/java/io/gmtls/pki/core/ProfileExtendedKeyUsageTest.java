package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.profile.ProfileUsage;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

/**
 * Role separation on the PKI side: gateway certificates (TLCP signing and encryption, TLS 1.3
 * server) carry the extended key usage serverAuth, vehicle and model certificates (TLCP signing and
 * encryption, TLS client) clientAuth, so that a peer checking EKUs cannot take a vehicle's
 * certificate for the gateway's.
 */
class ProfileExtendedKeyUsageTest {

    private static final String SERVER_AUTH = KeyPurposeId.id_kp_serverAuth.getId();
    private static final String CLIENT_AUTH = KeyPurposeId.id_kp_clientAuth.getId();

    @Test
    void gatewayCertificatesCarryServerAuthAndVehicleCertificatesClientAuth() throws Exception {
        InMemoryCa ca = new InMemoryCa();
        SubjectPublicKeyInfo sm2 = SubjectPublicKeyInfo.getInstance(TestSupport.sm2().getPublic().getEncoded());
        Map<String, String> sm2Profiles = Map.of(
                "gateway-sign", "gw.example.test",
                "gateway-enc", "gw.example.test",
                "gateway-tls", "gw.example.test",
                "vehicle-sign", "LGMDEV00000000001",
                "vehicle-enc", "LGMDEV00000000001",
                "model-sign", "GMTDEV01",
                "model-enc", "GMTDEV01");
        for (var e : sm2Profiles.entrySet()) {
            X509Certificate cert = ca.issue(e.getKey(), sm2, e.getValue());
            boolean server = e.getKey().startsWith("gateway-");
            assertThat(cert.getExtendedKeyUsage()).as("EKU of %s", e.getKey())
                    .containsExactly(server ? SERVER_AUTH : CLIENT_AUTH);
        }
        // Every default end-entity profile for a TLS or TLCP peer names exactly one of the two.
        for (var profile : ca.profiles.all()) {
            if (profile.usage() == ProfileUsage.OCSP_SIGNING) {
                continue;
            }
            boolean server = profile.usage() == ProfileUsage.SERVER_SIGNING
                    || profile.usage() == ProfileUsage.SERVER_ENCRYPTION || profile.usage() == ProfileUsage.SERVER_TLS;
            assertThat(profile.extendedKeyUsages()).as("EKUs of profile %s", profile.name())
                    .containsExactly(server ? io.gmtls.pki.core.profile.ExtendedKeyUsageName.SERVER_AUTH
                            : io.gmtls.pki.core.profile.ExtendedKeyUsageName.CLIENT_AUTH);
        }
    }
}
