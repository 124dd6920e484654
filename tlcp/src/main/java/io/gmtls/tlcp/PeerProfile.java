package io.gmtls.tlcp;

/**
 * The TLCP library whose client-side message forms a client reproduces. The two libraries in the
 * field read GB/T 38636-2020 differently, as seen on recorded sessions (test resources
 * {@code interop/tlcp} and {@code interop/tlcp-gmssl}) and against a live GmSSL 3 server:
 * <ul>
 *   <li>CertificateVerify: Tongsuo signs SM3(handshake messages), GmSSL signs the raw
 *       concatenation of the messages (SM2 with Z from the default user ID
 *       {@code 1234567812345678} and SM3 inside the signature, in both). Both bind the same
 *       transcript to the same key.
 *   <li>ECDHE ClientKeyExchange: Tongsuo sends the ECDH parameters as they are (curve type,
 *       curve, point); GmSSL wraps them in a uint16-length vector.
 *   <li>Client Certificate on the ECC suites: Tongsuo sends signing and encryption certificates,
 *       GmSSL the signing certificate alone (its server refuses a second end-entity certificate).
 *   <li>ClientHello: a GmSSL server aborts on any extension it does not know, so the GmSSL profile
 *       sends no session_ticket extension (a session ID the server gives is still offered again; the
 *       GmSSL 3 server recorded gave none).
 * </ul>
 * A server built from {@link TlcpContext} accepts both forms of each (Tongsuo's
 * CertificateVerify is tried first, then GmSSL's, with the same alert if neither verifies). A
 * client sends the forms of the profile its context names, so it can authenticate to a server
 * that accepts only one of them.
 */
public enum PeerProfile {

  /** Tongsuo's forms. The default. */
  TONGSUO,

  /** GmSSL 3's forms. */
  GMSSL
}
