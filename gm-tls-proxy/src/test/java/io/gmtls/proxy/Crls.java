package io.gmtls.proxy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.gmtls.certsdev.Credential;

/** Writes CRLs for tests, signed by a dev-PKI CA (SM2 or ECDSA) with BouncyCastle. */
public final class Crls {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private Crls() {
    }

    /** Writes (atomically) a CRL of {@code ca} listing the serials, thisUpdate = now. */
    public static void write(Path file, Credential ca, List<BigInteger> revoked) throws Exception {
        Date now = new Date();
        write(file, der(ca, revoked, now, new Date(now.getTime() + 86_400_000L), null));
    }

    /**
     * A DER CRL of {@code ca} listing the serials, with the given thisUpdate and nextUpdate and, when
     * {@code number} is not null, that cRLNumber.
     */
    public static byte[] der(Credential ca, List<BigInteger> revoked, Date thisUpdate, Date nextUpdate,
            BigInteger number) throws Exception {
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca.certificate().getSubjectX500Principal(), thisUpdate)
                .setNextUpdate(nextUpdate);
        for (BigInteger serial : revoked) {
            builder.addCRLEntry(serial, thisUpdate, CRLReason.keyCompromise);
        }
        if (number != null) {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
        }
        String algorithm = ca.certificate().getSigAlgName().toUpperCase().contains("SM2") ? "SM3WITHSM2" : "SHA256WITHECDSA";
        var holder = builder.build(new JcaContentSignerBuilder(algorithm).setProvider(BC).build(ca.privateKey()));
        return new JcaX509CRLConverter().setProvider(BC).getCRL(holder).getEncoded();
    }

    /** Writes CRL bytes atomically (a reader never sees half a file). */
    public static void write(Path file, byte[] der) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, der);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
