package io.gmtls.tlcp;

/**
 * Whether a server asks for the client's certificates. ECDHE suites ignore this setting: they
 * always require the client's signing and encryption certificates (GB/T 38636-2020 6.4.5.5).
 */
public enum ClientAuth {
  /** No CertificateRequest (ECC suites). */
  NONE,
  /** CertificateRequest sent; a client may answer with no certificate. */
  OPTIONAL,
  /** CertificateRequest sent; no certificate ends the handshake with handshake_failure. */
  REQUIRED
}
