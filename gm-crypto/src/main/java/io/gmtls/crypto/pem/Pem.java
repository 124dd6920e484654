package io.gmtls.crypto.pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.tls.CertificateCredential;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM, read and written in one place for the whole project.
 *
 * <p>Reading: certificate lists (chains, trust bundles), private keys (PKCS#8, encrypted PKCS#8 through
 * {@link EncryptedPrivateKeys} so that GmSSL's keys load as well as OpenSSL's, or the traditional
 * "EC/RSA PRIVATE KEY" forms), and single blocks of a named type. Files are bounded by
 * {@link #MAX_FILE_BYTES}; certificates are parsed by BouncyCastle so that SM2 keys come out usable.
 * Errors name the file (or the text's source), never the key material. Two kinds of error are told
 * apart by type for callers that report them differently: {@link UnexpectedContentException} (the text
 * was read and holds nothing, or something else than asked for) and {@link KeyNotDecryptedException}
 * (an encrypted key without a passphrase, or one that does not decrypt).
 *
 * <p>Writing: any object BouncyCastle's PEM writer knows (certificates, CRLs, CSRs), raw DER under a
 * type label, and PKCS#8 private keys, optionally encrypted the way OpenSSL 3 reads them.
 */
public final class Pem {

    /** Upper bound for a PEM file; certificate bundles and keys are far smaller. */
    public static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    /** PBKDF2 iterations for encrypted keys written here; OpenSSL's own default is 2048. */
    public static final int PBKDF2_ITERATIONS = 10_000;

    private static final Base64.Encoder BODY = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    // ---- writing -------------------------------------------------------------------------------------

    /** One PEM block of {@code der} under {@code type} (e.g. "CERTIFICATE"), 64-column lines, LF endings. */
    public static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + BODY.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** A certificate as one PEM block. */
    public static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    /** Certificates as PEM blocks, in order. */
    public static String certificates(List<X509Certificate> certificates) {
        StringBuilder text = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            text.append(certificate(certificate));
        }
        return text.toString();
    }

    /**
     * PEM of objects BouncyCastle's writer knows (certificates, CRLs, CSRs, certificate holders), one block
     * each, in order.
     */
    public static String write(List<?> objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot PEM-encode", e);
        }
        return out.toString();
    }

    /** {@link #write(List)} of one object. */
    public static String write(Object object) {
        return write(List.of(object));
    }

    /** {@link #write(List)} as US-ASCII bytes, for files. */
    public static byte[] writeBytes(List<?> objects) {
        return write(objects).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A PKCS#8 PEM private key: {@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} (PBES2 with
     * PBKDF2-HMAC-SHA256, {@link #PBKDF2_ITERATIONS} iterations and AES-256-CBC, which OpenSSL 3 reads)
     * when a passphrase is given.
     *
     * @param passphrase null for an unencrypted key
     */
    public static byte[] privateKey(PrivateKey key, char[] passphrase) {
        return privateKey(key, passphrase, PBKDF2_ITERATIONS);
    }

    /**
     * {@link #privateKey(PrivateKey, char[])} with {@code iterations} PBKDF2 iterations (for keys kept at
     * rest for long, such as a CA's).
     */
    public static byte[] privateKey(PrivateKey key, char[] passphrase, int iterations) {
        try {
            OutputEncryptor encryptor = null;
            if (passphrase != null) {
                encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setPRF(PKCS8Generator.PRF_HMACSHA256)
                        .setIterationCount(iterations)
                        .setProvider(BouncyCastle.PROVIDER)
                        .setPassword(passphrase)
                        .build();
            }
            return writeBytes(List.of(new JcaPKCS8Generator(key, encryptor)));
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot encode a private key", e);
        }
    }

    // ---- reading -------------------------------------------------------------------------------------

    /**
     * The text of a PEM file, refusing files larger than {@link #MAX_FILE_BYTES} before reading them.
     * ISO-8859-1, so that no byte sequence is an error here: the PEM parser judges the content.
     */
    public static String readFile(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(file + ": larger than " + MAX_FILE_BYTES + " bytes, not a PEM file");
        }
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    /**
     * The first PEM block in the text, or null when the text holds none.
     *
     * @throws IOException if a block is malformed (bad base64, no END line)
     */
    public static PemObject firstBlock(String text) throws IOException {
        try (PemReader reader = new PemReader(new StringReader(text))) {
            return reader.readPemObject();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException("malformed PEM block", e);
        }
    }

    /**
     * The DER of the first PEM block of {@code type} in the text (blocks of other types are skipped), or
     * null when the text holds no such block.
     *
     * @throws IOException if a block is malformed (bad base64, no END line)
     */
    public static byte[] decode(String text, String type) throws IOException {
        try (PemReader reader = new PemReader(new StringReader(text))) {
            PemObject block;
            while ((block = reader.readPemObject()) != null) {
                if (block.getType().equals(type)) {
                    return block.getContent();
                }
            }
            return null;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException("malformed PEM " + type, e);
        }
    }

    /**
     * Every certificate in the file, in file order.
     *
     * @throws IOException if the file can't be read, holds no certificate, or holds something unparsable
     */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        return certificates(readFile(file), file.toString());
    }

    /** Every certificate in PEM text, in order; {@code source} names the text in error messages. */
    public static List<X509Certificate> certificates(String pem, String source) throws IOException {
        List<X509Certificate> result = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509", BouncyCastle.PROVIDER);
            Object object;
            while ((object = parser.readObject()) != null) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new IOException(source + ": expected only CERTIFICATE blocks, found "
                            + object.getClass().getSimpleName());
                }
                result.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(holder.getEncoded())));
            }
        } catch (CertificateException | RuntimeException e) {
            throw new IOException(source + ": unreadable certificate: " + e.getMessage(), e);
        }
        if (result.isEmpty()) {
            throw new IOException(source + ": no certificate found");
        }
        return List.copyOf(result);
    }

    /**
     * The certificate in the file's first PEM block; what follows it is not read.
     *
     * @throws UnexpectedContentException if the file holds no PEM block, or its first is not a certificate
     * @throws IOException if the file can't be read or the certificate is unparsable
     */
    public static X509Certificate firstCertificate(Path file) throws IOException {
        return firstCertificate(readFile(file), file.toString());
    }

    /** {@link #firstCertificate(Path)} of PEM text; {@code source} names the text in error messages. */
    public static X509Certificate firstCertificate(String pem, String source) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new UnexpectedContentException(source + ": expected a certificate, found " + found(object));
            }
            return certificate(holder);
        } catch (CertificateException | RuntimeException e) {
            throw new IOException(source + ": unreadable certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The public key in the file's first PEM block: a {@code PUBLIC KEY} (SubjectPublicKeyInfo) or the
     * subject key of a {@code CERTIFICATE}. RSA keys come out as RSA keys, all others (SM2, ECDSA) as
     * BouncyCastle EC keys.
     *
     * @throws UnexpectedContentException if the file holds no PEM block, or its first is neither
     * @throws IOException if the file can't be read or the key or certificate is unparsable
     */
    public static PublicKey publicKey(Path file) throws IOException {
        return publicKey(readFile(file), file.toString());
    }

    /** {@link #publicKey(Path)} of PEM text; {@code source} names the text in error messages. */
    public static PublicKey publicKey(String pem, String source) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object instanceof X509CertificateHolder holder) {
                return certificate(holder).getPublicKey();
            }
            if (object instanceof SubjectPublicKeyInfo spki) {
                String algorithm = PKCSObjectIdentifiers.rsaEncryption.equals(spki.getAlgorithm().getAlgorithm())
                        ? "RSA" : "EC";
                return KeyFactory.getInstance(algorithm, BouncyCastle.PROVIDER)
                        .generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
            }
            throw new UnexpectedContentException(source + ": expected a public key or a certificate, found "
                    + found(object));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(source + ": unreadable public key: " + e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(X509CertificateHolder holder) throws IOException, CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509", BouncyCastle.PROVIDER)
                .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    }

    private static String found(Object object) {
        return object == null ? "nothing" : object.getClass().getSimpleName();
    }

    /** The unencrypted private key in the file. */
    public static PrivateKey privateKey(Path file) throws IOException {
        return privateKey(file, null);
    }

    /**
     * The private key in the file, decrypting an encrypted PKCS#8 key with {@code passphrase}.
     *
     * @param passphrase null for an unencrypted key
     */
    public static PrivateKey privateKey(Path file, char[] passphrase) throws IOException {
        return privateKey(readFile(file), file.toString(), passphrase);
    }

    /** The private key in PEM text; {@code source} names the text in error messages. */
    public static PrivateKey privateKey(String pem, String source, char[] passphrase) throws IOException {
        try {
            return new JcaPEMKeyConverter().setProvider(BouncyCastle.PROVIDER)
                    .getPrivateKey(privateKeyInfo(pem, source, passphrase));
        } catch (RuntimeException e) {
            throw new IOException(source + ": unreadable private key", e);
        }
    }

    /**
     * The PKCS#8 structure of the private key in PEM text (decrypted with {@code passphrase} when it is
     * encrypted), for callers that convert it themselves.
     *
     * @param passphrase null for an unencrypted key
     */
    public static PrivateKeyInfo privateKeyInfo(String pem, String source, char[] passphrase) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new UnexpectedContentException(source + ": no private key found");
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                try {
                    return EncryptedPrivateKeys.decrypt(encrypted, passphrase, source);
                } catch (EncryptedPrivateKeys.KeyDecryptionException e) {
                    // The message is complete and meant for the operator; no library stack trace behind it.
                    throw new KeyNotDecryptedException(e.getMessage(), e.reason());
                }
            }
            if (object instanceof PrivateKeyInfo plain) {
                return plain;
            }
            if (object instanceof PEMKeyPair pair) {
                return pair.getPrivateKeyInfo();
            }
            throw new UnexpectedContentException(source + ": expected a private key, found "
                    + object.getClass().getSimpleName());
        } catch (RuntimeException e) {
            throw new IOException(source + ": unreadable private key", e);
        }
    }

    /** Reads a key and a chain file into a credential, checking that they belong together. */
    public static CertificateCredential credential(Path chainFile, Path keyFile, char[] passphrase)
            throws IOException {
        List<X509Certificate> chain = certificates(chainFile);
        PrivateKey key = privateKey(keyFile, passphrase);
        try {
            return new CertificateCredential(key, chain);
        } catch (IllegalArgumentException e) {
            throw new IOException(keyFile + " / " + chainFile + ": " + e.getMessage(), e);
        }
    }

    /** PEM text that was read but holds no PEM object, or another object than the one asked for. */
    public static final class UnexpectedContentException extends IOException {
        private static final long serialVersionUID = 1L;

        UnexpectedContentException(String message) {
            super(message);
        }
    }

    /**
     * An encrypted private key that was not decrypted: no passphrase given, wrong passphrase or damaged
     * ciphertext, unsupported scheme or refused iteration count ({@link #reason()}). The message names the
     * source and the problem, never the passphrase; there is no cause (no library stack trace behind it).
     */
    public static final class KeyNotDecryptedException extends IOException {
        private static final long serialVersionUID = 1L;

        private final EncryptedPrivateKeys.KeyDecryptionException.Reason reason;

        KeyNotDecryptedException(String message, EncryptedPrivateKeys.KeyDecryptionException.Reason reason) {
            super(message);
            this.reason = reason;
        }

        /** Why the key was not decrypted. */
        public EncryptedPrivateKeys.KeyDecryptionException.Reason reason() {
            return reason;
        }
    }
}
