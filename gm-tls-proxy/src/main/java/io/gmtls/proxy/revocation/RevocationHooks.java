package io.gmtls.proxy.revocation;

import java.security.cert.CRLReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.gmtls.crypto.tls.RevocationChecker;

/** Adapters that plug the {@link RevocationService} into the TLCP engine and the TLS 1.3 termination. */
public final class RevocationHooks {

    private RevocationHooks() {
    }

    /** For the TLCP engine: revoked → certificate_revoked, unknown → certificate_unknown. */
    public static io.gmtls.tlcp.RevocationChecker tlcp(RevocationService service) {
        return chain -> {
            switch (service.status(chain)) {
                case GOOD -> {
                }
                case REVOKED -> {
                    X509Certificate leaf = chain.get(0);
                    throw new CertificateRevokedException(new Date(), CRLReason.UNSPECIFIED,
                            leaf.getIssuerX500Principal(), Map.of());
                }
                case UNKNOWN -> throw new CertificateException("no CRL loaded yet for an issuer of "
                        + chain.get(0).getSubjectX500Principal().getName());
            }
        };
    }

    /** For the TLS 1.3 termination's revocation hook. */
    public static RevocationChecker tls(RevocationService service) {
        return (List<X509Certificate> chain) -> switch (service.status(chain)) {
            case GOOD -> RevocationChecker.Status.GOOD;
            case REVOKED -> RevocationChecker.Status.REVOKED;
            case UNKNOWN -> RevocationChecker.Status.UNKNOWN;
        };
    }
}
