package io.gmtls.tboxsim.crypto;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.Sm2Keys;
import io.gmtls.crypto.pem.Pem;
import java.security.KeyPair;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** PKCS#10 certification requests of a vehicle's SM2 signing key: SM2-with-SM3, subject CN = VIN. */
public final class Pkcs10Requests {

    private Pkcs10Requests() {
    }

    /** A CSR for {@code signing}, signed with its private key (proof of possession), subject {@code CN=<vin>}. */
    public static PKCS10CertificationRequest create(KeyPair signing, String vin) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, vin).build();
        try {
            ContentSigner signer = new JcaContentSignerBuilder(Sm2Keys.SIGNATURE_ALGORITHM).setProvider(BouncyCastle.PROVIDER)
                    .build(signing.getPrivate());
            return new JcaPKCS10CertificationRequestBuilder(subject, signing.getPublic()).build(signer);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("BouncyCastle cannot sign with SM2", e);
        }
    }

    /** The PEM form ({@code -----BEGIN CERTIFICATE REQUEST-----}). */
    public static String pem(PKCS10CertificationRequest request) {
        return Pem.write(request);
    }
}
