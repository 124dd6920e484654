package io.gmtls.pki.core;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** The CA hierarchy as stored (a port). */
public interface CaRepository {

    List<CaRecord> all();

    void insert(CaRecord ca);

    /** The next CRL number of a CA (monotonic, shared by full and delta CRLs). */
    long nextCrlNumber(String caName);

    /** The newest delegated OCSP signer of a CA, if one was issued. */
    Optional<OcspSignerRecord> ocspSigner(String caName);

    void saveOcspSigner(OcspSignerRecord signer);

    /** A delegated OCSP signer: its certificate and the alias of its key. */
    record OcspSignerRecord(String caName, X509Certificate certificate, String keyAlias) {
    }
}
