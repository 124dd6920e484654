package io.gmtls.proxy.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.X509TrustManager;

/** Trusts nothing: stands in where no certificate is ever expected, so an unexpected one fails closed. */
final class RefusingTrustManager implements X509TrustManager {

    static final RefusingTrustManager INSTANCE = new RefusingTrustManager();

    private RefusingTrustManager() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("no client certificates are trusted here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("no server certificates are trusted here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
