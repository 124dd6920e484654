package io.gmtls.proxy.tls;

import io.gmtls.crypto.tls.Rfc8998;
import java.util.List;
import java.util.Objects;

/**
 * What a ClientHello offers, as far as engine and credential selection needs it.
 *
 * @param serverName          the SNI host_name, lower-case ASCII, or null when none was sent
 * @param cipherSuites        offered cipher suites, in the client's order
 * @param supportedGroups     supported_groups (empty when the extension is absent)
 * @param signatureAlgorithms signature_algorithms (empty when the extension is absent)
 * @param supportedVersions   supported_versions (empty when the extension is absent: TLS 1.2 or older)
 */
public record ClientHelloSummary(String serverName, List<Integer> cipherSuites, List<Integer> supportedGroups,
        List<Integer> signatureAlgorithms, List<Integer> supportedVersions) {

    public ClientHelloSummary {
        cipherSuites = List.copyOf(Objects.requireNonNull(cipherSuites, "cipherSuites"));
        supportedGroups = List.copyOf(Objects.requireNonNull(supportedGroups, "supportedGroups"));
        signatureAlgorithms = List.copyOf(Objects.requireNonNull(signatureAlgorithms, "signatureAlgorithms"));
        supportedVersions = List.copyOf(Objects.requireNonNull(supportedVersions, "supportedVersions"));
    }

    /** True when the client offers TLS 1.3 (supported_versions holds 0x0304). */
    public boolean offersTls13() {
        return supportedVersions.contains(Rfc8998.TLS13_VERSION);
    }

    /**
     * True when a TLS_SM4_GCM_SM3 handshake can succeed with this client: TLS 1.3 offered, the suite
     * offered, curveSM2 among the groups and sm2sig_sm3 among the signature algorithms.
     */
    public boolean offersRfc8998() {
        return offersTls13()
                && cipherSuites.contains(Rfc8998.TLS_SM4_GCM_SM3)
                && supportedGroups.contains(Rfc8998.CURVE_SM2)
                && signatureAlgorithms.contains(Rfc8998.SM2SIG_SM3);
    }
}
