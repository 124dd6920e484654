package io.gmtls.pki.core.crypto;

import io.gmtls.crypto.Sm2Keys;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.pki.core.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Reads PKCS#10 requests as hostile input: bounded size, strict DER, proof of possession verified
 * (SM2-with-SM3 with the default SM2 user ID, or ECDSA).
 */
public final class CertificateRequests {

    /** The largest CSR accepted (an SM2 CSR is about 300 bytes; 8 KiB leaves room for extensions). */
    public static final int MAX_CSR_BYTES = 8 * 1024;

    private CertificateRequests() {
    }

    /** A CSR whose signature has been checked; its public key re-encoded canonically ({@link SubjectKeys}). */
    public record VerifiedCsr(SubjectPublicKeyInfo publicKey, KeyAlgorithm keyAlgorithm, X500Name subject,
            String commonName, List<String> dnsNames) {
        public VerifiedCsr {
            dnsNames = List.copyOf(dnsNames);
        }
    }

    /** Decodes a CSR given as PEM text or base64 DER. */
    public static byte[] decode(String text) {
        if (text == null || text.isBlank()) {
            throw PkiException.badRequest("csr is missing");
        }
        if (text.length() > MAX_CSR_BYTES * 2) {
            throw new PkiException(PkiException.Kind.TOO_LARGE, "csr is larger than " + MAX_CSR_BYTES + " bytes");
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("-----BEGIN")) {
            PemObject pem;
            try {
                pem = Pem.firstBlock(trimmed);
            } catch (IOException e) {
                throw PkiException.badRequest("csr is not valid PEM");
            }
            if (pem == null || !(pem.getType().equals("CERTIFICATE REQUEST")
                    || pem.getType().equals("NEW CERTIFICATE REQUEST"))) {
                throw PkiException.badRequest("csr is not a PEM CERTIFICATE REQUEST");
            }
            return pem.getContent();
        }
        try {
            return Base64.getMimeDecoder().decode(trimmed.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw PkiException.badRequest("csr is neither PEM nor base64 DER");
        }
    }

    /**
     * Parses and verifies a DER CSR: a {@link PkiException} (400/413) when it is not a bounded DER
     * PKCS#10 request, a {@link ProofOfPossessionException} when its signature does not verify.
     */
    public static VerifiedCsr verify(byte[] der) {
        if (der == null || der.length == 0) {
            throw PkiException.badRequest("csr is empty");
        }
        if (der.length > MAX_CSR_BYTES) {
            throw new PkiException(PkiException.Kind.TOO_LARGE, "csr is larger than " + MAX_CSR_BYTES + " bytes");
        }
        PKCS10CertificationRequest csr;
        try {
            ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
            byte[] reencoded = primitive.getEncoded("DER");
            if (!java.util.Arrays.equals(reencoded, der)) {
                throw PkiException.badRequest("csr is not DER encoded");
            }
            // Parsed once: the checked primitive is the request.
            csr = new PKCS10CertificationRequest(org.bouncycastle.asn1.pkcs.CertificationRequest.getInstance(primitive));
        } catch (PkiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw PkiException.badRequest("csr is not a PKCS#10 request");
        }
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        KeyAlgorithm algorithm = KeyAlgorithm.of(spki);
        try {
            // SM2 straight on BouncyCastle's SM2Signer (no JCA key factory on the hot path); others by the JCA.
            ContentVerifierProvider verifier = algorithm == KeyAlgorithm.SM2
                    ? Sm2Operators.verifierProvider(Sm2Keys.publicParameters(spki))
                    : new JcaContentVerifierProviderBuilder().setProvider(GmCrypto.provider()).build(spki);
            if (!csr.isSignatureValid(verifier)) {
                throw new ProofOfPossessionException("the signature does not verify");
            }
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new ProofOfPossessionException(safe(e));
        }
        SubjectPublicKeyInfo canonical;
        try {
            // The key as a certificate carries it, never the request's own encoding of it.
            canonical = SubjectKeys.canonical(spki);
        } catch (java.security.GeneralSecurityException e) {
            throw PkiException.badRequest("csr public key is not a point on its curve");
        }
        X500Name subject = csr.getSubject();
        List<String> dnsNames;
        try {
            dnsNames = dnsNames(csr);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            // A malformed extension request is the caller's error, never an internal one.
            throw PkiException.badRequest("csr extension request is malformed");
        }
        return new VerifiedCsr(canonical, algorithm, subject, commonName(subject), dnsNames);
    }

    private static String safe(Exception e) {
        String message = e.getMessage();
        if (message == null || message.length() > 120) {
            return "unsupported signature or key";
        }
        return message.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The (single) CN of a name, or null. */
    public static String commonName(X500Name name) {
        RDN[] rdns = name.getRDNs(BCStyle.CN);
        if (rdns.length == 0) {
            return null;
        }
        if (rdns.length > 1 || rdns[0].isMultiValued()) {
            throw PkiException.badRequest("subject has more than one CN");
        }
        ASN1Encodable value = rdns[0].getFirst().getValue();
        return value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value);
    }

    private static List<String> dnsNames(PKCS10CertificationRequest csr) {
        List<String> names = new ArrayList<>();
        for (var attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                Extensions extensions = Extensions.getInstance(value);
                GeneralNames san = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
                if (san == null) {
                    continue;
                }
                for (GeneralName name : san.getNames()) {
                    if (name.getTagNo() == GeneralName.dNSName) {
                        names.add(name.getName().toString());
                    }
                }
            }
        }
        return names;
    }
}
