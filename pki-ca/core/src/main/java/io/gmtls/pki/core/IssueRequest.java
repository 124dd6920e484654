package io.gmtls.pki.core;

import java.util.List;

/**
 * A request for one certificate: a PKCS#10 CSR (proof of possession checked) or a bare public key
 * (SubjectPublicKeyInfo DER, for keys the caller generated and vouches for).
 *
 * @param profile    profile name
 * @param csr        DER CSR, or null
 * @param publicKey  DER SubjectPublicKeyInfo, or null (exactly one of csr and publicKey)
 * @param commonName the CN; null takes the CSR's
 * @param dnsNames   SAN DNS names for server profiles; empty takes the CSR's, then the CN
 */
public record IssueRequest(String profile, byte[] csr, byte[] publicKey, String commonName, List<String> dnsNames) {

    public IssueRequest {
        dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
    }
}
