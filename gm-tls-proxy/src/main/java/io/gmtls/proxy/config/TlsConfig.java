package io.gmtls.proxy.config;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS 1.3 server settings of a listener.
 *
 * @param certificates server credentials: ECDSA/RSA for the standard suites, SM2 for TLS_SM4_GCM_SM3;
 *                     those with {@code serverNames} are chosen by SNI, the others are the default
 * @param trust        CA bundles for client certificates (ECDSA/RSA and SM2 may be mixed)
 * @param cipherSuites TLS 1.3 cipher suites in the server's order of preference; empty means the default
 */
public record TlsConfig(List<TlsCertificateConfig> certificates, List<Path> trust, List<String> cipherSuites) {

    public TlsConfig {
        certificates = List.copyOf(certificates);
        trust = List.copyOf(trust);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /**
     * One server credential.
     *
     * @param chain       PEM: certificate first, then its CAs
     * @param key         PKCS#8 PEM private key
     * @param serverNames SNI host names it serves (empty = default credential)
     */
    public record TlsCertificateConfig(Path chain, Path key, List<String> serverNames) {
        public TlsCertificateConfig {
            serverNames = List.copyOf(serverNames);
        }
    }
}
