package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.CaSigner;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * An issuing CA ready to sign: its record, its signer, its chain up to the root, and the delegated
 * OCSP responder it answers with (null until one has been issued).
 */
public record IssuingCa(CaRecord record, CaSigner signer, List<X509Certificate> chain,
        OcspSigner ocspSigner) {

    public IssuingCa {
        chain = List.copyOf(chain);
    }

    public String name() {
        return record.name();
    }

    public X509Certificate certificate() {
        return record.certificate();
    }

    /** A delegated OCSP responder: its certificate (issued by this CA) and its signer. */
    public record OcspSigner(X509Certificate certificate, CaSigner signer) {
    }

    public IssuingCa withOcspSigner(OcspSigner signer) {
        return new IssuingCa(record, this.signer, chain, signer);
    }
}
