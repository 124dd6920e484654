package io.gmtls.proxy.tls;

import io.gmtls.crypto.tls.CertificateRejectedException;
import io.gmtls.crypto.tls.CertificateRejectedException.Reason;
import io.gmtls.crypto.tls.PathCheck;
import io.gmtls.tlcp.RevocationChecker;
import io.gmtls.tlcp.RevocationStatus;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS 1.3 side of the gateway's revocation check: tlcp's {@link RevocationChecker} (the same one the
 * TLCP engine calls) as the {@link PathCheck} of a {@code CertificateChainVerifier}. Anything but
 * {@link RevocationStatus#GOOD} refuses the chain (fail closed).
 */
public final class RevocationPathCheck {

    private RevocationPathCheck() {
    }

    /** {@code revocation} as a path check: REVOKED → certificate_revoked, UNKNOWN or null → certificate_unknown. */
    public static PathCheck of(RevocationChecker revocation) {
        java.util.Objects.requireNonNull(revocation, "revocation");
        return path -> check(revocation, path);
    }

    private static void check(RevocationChecker revocation, List<X509Certificate> path)
            throws CertificateRejectedException {
        RevocationStatus status = revocation.check(path);
        String subject = "'" + path.get(0).getSubjectX500Principal().getName() + "'";
        if (status == RevocationStatus.REVOKED) {
            throw new CertificateRejectedException(Reason.CERTIFICATE_REVOKED, subject + " is revoked");
        }
        if (status != RevocationStatus.GOOD) {
            throw new CertificateRejectedException(Reason.CERTIFICATE_UNKNOWN,
                    "revocation status of " + subject + " is unknown");
        }
    }
}
