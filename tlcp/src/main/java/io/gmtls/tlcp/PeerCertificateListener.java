package io.gmtls.tlcp;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Hook called during a full handshake once the peer's certificates verified against the trust
 * anchors (and passed the revocation check), and again when a session with peer certificates is
 * resumed (session ID or ticket): the verified path, signing certificate first, then the
 * encryption certificate if sent, then the CA certificates of the path below the anchor
 * (certificates the peer sent that are on no path are left out). Throwing refuses the peer with
 * the alert access_denied (e.g. a vehicle not allowed on this gateway).
 * Runs on the thread that drives the engine: keep it fast and non-blocking.
 */
@FunctionalInterface
public interface PeerCertificateListener {

  void peerVerified(List<X509Certificate> peerCertificates) throws CertificateException;
}
