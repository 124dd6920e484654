package io.gmtls.proxy.tls;

import io.gmtls.tlcp.RevocationChecker;
import io.gmtls.crypto.tls.CertificateCredential;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.gmtls.certsdev.Credential;
import io.gmtls.certsdev.DevPki;
import io.gmtls.certsdev.DevPkiGenerator;
import io.gmtls.certsdev.DevPkiOptions;
import io.gmtls.tlcp.RevocationStatus;

/** Development PKIs shared by the tests of this package (generated once per JVM, in memory). */
final class TestPki {

    /** The PKI the servers trust. */
    static final DevPki PKI = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(2));

    /** An unrelated PKI (other roots): its vehicles come from an unknown CA. */
    static final DevPki FOREIGN = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1));

    /** A PKI whose certificates all expired long ago, under the same names. */
    static final DevPki EXPIRED = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1)
            .withNow(Instant.now().minus(3 * 365 * 20, ChronoUnit.DAYS)));

    /** A second PKI whose gateway certificates name alt.example, for SNI selection. */
    static final DevPki ALT = DevPkiGenerator.generate(DevPkiOptions.defaults().withVehicles(1)
            .withDnsNames(List.of("alt.example")));

    private TestPki() {
    }

    static CertificateCredential credential(Credential credential) {
        return new CertificateCredential(credential.privateKey(), credential.chain());
    }

    /** The gateway's ECDSA and SM2 TLS 1.3 credentials of a PKI. */
    static ServerIdentity gatewayIdentity(DevPki pki) {
        return new ServerIdentity(credential(pki.ecdsaGateway()), credential(pki.gatewaySm2Tls()));
    }

    /** Client auth trusting {@link #PKI}, revoking its revoked vehicle by serial number. */
    static Tls13ClientAuth clientAuth(io.netty.handler.ssl.ClientAuth mode) {
        return Tls13ClientAuth.of(mode, PKI.ecdsaTrust(), PKI.sm2Trust(), TestPki::revocation);
    }

    static RevocationStatus revocation(List<java.security.cert.X509Certificate> chain) {
        java.math.BigInteger serial = chain.get(0).getSerialNumber();
        boolean revoked = serial.equals(PKI.revokedVehicle().sign().certificate().getSerialNumber())
                || serial.equals(PKI.revokedVehicle().ecdsa().certificate().getSerialNumber());
        return revoked ? RevocationStatus.REVOKED : RevocationStatus.GOOD;
    }
}
