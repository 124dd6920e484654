package io.gmtls.tlcp;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Hook called during a full handshake once the peer's certificates verified against the trust
 * anchors (and passed the revocation check): the certificates as the peer sent them, signing
 * certificate first, then the encryption certificate if sent, then CA certificates. Throwing
 * refuses the peer with the alert access_denied (e.g. a vehicle not allowed on this gateway).
 * Runs on the thread that drives the engine: keep it fast and non-blocking.
 */
@FunctionalInterface
public interface PeerCertificateListener {

  void peerVerified(List<X509Certificate> peerCertificates) throws CertificateException;
}
