package io.gmtls.pki.core;

/**
 * Where relying parties fetch revocation information: {@code <base>/crl/<ca>.crl} and
 * {@code <base>/ocsp}. With no base URL configured, certificates carry neither pointer.
 */
public record CaUrls(String publicBaseUrl) {

    public CaUrls {
        if (publicBaseUrl != null) {
            publicBaseUrl = publicBaseUrl.strip();
            if (publicBaseUrl.isEmpty()) {
                publicBaseUrl = null;
            } else if (!publicBaseUrl.matches("https?://[^\\s]+")) {
                throw new PkiConfigException("gmtls.ca.public-url", "must be an http(s) URL");
            } else if (publicBaseUrl.endsWith("/")) {
                publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
            }
        }
    }

    public boolean configured() {
        return publicBaseUrl != null;
    }

    public String crlUrl(String caName) {
        return publicBaseUrl + "/crl/" + caName + ".crl";
    }

    public String deltaCrlUrl(String caName) {
        return publicBaseUrl + "/crl/" + caName + "-delta.crl";
    }

    public String ocspUrl() {
        return publicBaseUrl + "/ocsp";
    }
}
