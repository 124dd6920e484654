package io.gmtls.crypto.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import io.gmtls.crypto.tls.CertificateChainVerifier.Purpose;
import io.gmtls.crypto.tls.CertificateRejectedException.Reason;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * The bridge from an engine's trust callback to {@link CertificateChainVerifier}. Each engine turns a
 * refusal into an alert its own way, so the refusal is dressed for the engine it serves:
 * <ul>
 * <li>{@link Engine#OPENSSL}: an {@link OpenSslCertificateException} carrying the X509_V_ERR code that
 * BoringSSL maps to the wanted alert (unknown_ca, certificate_expired, ...).</li>
 * <li>{@link Engine#BOUNCYCASTLE}: BCJSSE turns every {@link CertificateException} into
 * certificate_unknown, but lets a {@link TlsFatalAlert} through to its protocol layer, which sends the
 * alert it carries. That exception is checked and not declared here, so it is thrown unchecked.</li>
 * <li>{@link Engine#JDK}: the JDK sends certificate_unknown whatever is thrown; the reason still shows in
 * the exception.</li>
 * </ul>
 */
public final class ChainVerifyingTrustManager extends X509ExtendedTrustManager {

    /** The engine whose callback this trust manager answers. */
    public enum Engine { OPENSSL, JDK, BOUNCYCASTLE }

    private final CertificateChainVerifier verifier;
    private final Purpose purpose;
    private final Engine engine;
    private final X509Certificate[] acceptedIssuers;

    /**
     * @param purpose {@link Purpose#CLIENT_AUTH} on a server (checks clients), {@link Purpose#SERVER_AUTH} on
     *                a client (checks servers, including the host name the engine was created for)
     */
    public ChainVerifyingTrustManager(CertificateChainVerifier verifier, Purpose purpose, Engine engine) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.purpose = Objects.requireNonNull(purpose, "purpose");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.acceptedIssuers = verifier.acceptedIssuers().toArray(new X509Certificate[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine sslEngine)
            throws CertificateException {
        checkClient(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClient(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkClient(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine sslEngine)
            throws CertificateException {
        checkServer(chain, sslEngine == null ? null : sslEngine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServer(chain, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServer(chain, null);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return acceptedIssuers.clone();
    }

    private void checkClient(X509Certificate[] chain) throws CertificateException {
        if (purpose != Purpose.CLIENT_AUTH) {
            throw refuse(new CertificateRejectedException(Reason.CERTIFICATE_UNKNOWN,
                    "this trust manager checks servers, not clients"));
        }
        verify(chain);
    }

    private void checkServer(X509Certificate[] chain, String host) throws CertificateException {
        if (purpose != Purpose.SERVER_AUTH) {
            throw refuse(new CertificateRejectedException(Reason.CERTIFICATE_UNKNOWN,
                    "this trust manager checks clients, not servers"));
        }
        verify(chain);
        if (host == null || !HostNames.matches(chain[0], host)) {
            throw refuse(new CertificateRejectedException(Reason.BAD_CERTIFICATE,
                    "server certificate does not name host '" + host + "'"));
        }
    }

    private void verify(X509Certificate[] chain) throws CertificateException {
        try {
            verifier.verify(chain, purpose);
        } catch (CertificateRejectedException e) {
            throw refuse(e);
        }
    }

    private CertificateException refuse(CertificateRejectedException rejection) {
        return switch (engine) {
            case JDK -> rejection;
            case OPENSSL -> new OpenSslCertificateException(rejection.getMessage(), rejection,
                    openSslErrorCode(rejection.reason()));
            case BOUNCYCASTLE -> throw ChainVerifyingTrustManager.<RuntimeException>throwUnchecked(
                    new TlsFatalAlert(rejection.reason().alert(), rejection.getMessage(), rejection));
        };
    }

    /** The X509_V_ERR code that BoringSSL's ssl_verify_alarm_type turns into the alert of {@code reason}. */
    private static int openSslErrorCode(Reason reason) {
        return switch (reason) {
            case BAD_CERTIFICATE -> CertificateVerifier.X509_V_ERR_CERT_REJECTED;
            case CERTIFICATE_REVOKED -> CertificateVerifier.X509_V_ERR_CERT_REVOKED;
            case CERTIFICATE_EXPIRED -> CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
            case UNKNOWN_CA -> CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
            case CERTIFICATE_UNKNOWN -> CertificateVerifier.X509_V_ERR_UNSPECIFIED;
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException throwUnchecked(Throwable throwable) throws T {
        throw (T) throwable;
    }
}
