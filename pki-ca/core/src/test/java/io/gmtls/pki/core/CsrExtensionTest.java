package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.pki.core.crypto.CertificateRequests;
import io.gmtls.pki.core.crypto.GmCrypto;
import java.security.KeyPair;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/** A CSR with a malformed extension request is the caller's error (400), not the CA's (500). */
class CsrExtensionTest {

    @Test
    void malformedExtensionRequestIsABadRequestNotAnInternalError() throws Exception {
        KeyPair key = TestSupport.sm2();
        // extensionRequest whose value is an INTEGER instead of Extensions
        byte[] notExtensions = signed(key, new ASN1Integer(7));
        // a well-formed Extensions whose subjectAltName value is not GeneralNames
        byte[] badSan = signed(key, new DERSequence(new Extension(Extension.subjectAlternativeName, false,
                new DEROctetString(new ASN1Integer(7)))));
        for (byte[] csr : new byte[][] {notExtensions, badSan}) {
            assertThatThrownBy(() -> CertificateRequests.verify(csr))
                    .isInstanceOfSatisfying(PkiException.class, e -> org.assertj.core.api.Assertions
                            .assertThat(e.kind()).isEqualTo(PkiException.Kind.BAD_REQUEST))
                    .hasMessageContaining("extension");
        }
    }

    private static byte[] signed(KeyPair key, org.bouncycastle.asn1.ASN1Encodable extensionRequest) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=gw.example.test"), key.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensionRequest)
                .build(new JcaContentSignerBuilder("SM3withSM2").setProvider(GmCrypto.provider()).build(key.getPrivate()))
                .getEncoded();
    }
}
