package io.gmtls.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import io.gmtls.certsdev.EncryptedPrivateKeys;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM certificate lists (chains, trust bundles) and private keys (PKCS#8, encrypted PKCS#8, or the
 * traditional "EC/RSA PRIVATE KEY" forms). Encrypted keys go through {@link EncryptedPrivateKeys}, so keys
 * written by GmSSL (PBKDF2 with HMAC-SM3, SM4-CBC) load as well as OpenSSL's. Certificates are parsed by
 * BouncyCastle so that SM2 keys come out usable. Errors name the file, never the key material.
 */
public final class PemFiles {

    /** Upper bound for a PEM file; certificate bundles and keys are far smaller. */
    private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    private PemFiles() {
    }

    /**
     * Every certificate in the file, in file order.
     *
     * @throws IOException if the file can't be read, holds no certificate, or holds something unparsable
     */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        return certificates(read(file), file.toString());
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
        return privateKey(read(file), file.toString(), passphrase);
    }

    /** The private key in PEM text; {@code source} names the text in error messages. */
    public static PrivateKey privateKey(String pem, String source, char[] passphrase) throws IOException {
        try (Reader reader = new StringReader(pem); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            if (object == null) {
                throw new IOException(source + ": no private key found");
            }
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BouncyCastle.PROVIDER);
            PrivateKeyInfo info;
            if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                try {
                    info = EncryptedPrivateKeys.decrypt(encrypted, passphrase, source);
                } catch (EncryptedPrivateKeys.KeyDecryptionException e) {
                    // The message is complete and meant for the operator; no library stack trace behind it.
                    throw new IOException(e.getMessage());
                }
            } else if (object instanceof PrivateKeyInfo plain) {
                info = plain;
            } else if (object instanceof PEMKeyPair pair) {
                info = pair.getPrivateKeyInfo();
            } else {
                throw new IOException(source + ": expected a private key, found " + object.getClass().getSimpleName());
            }
            return converter.getPrivateKey(info);
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

    private static String read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(file + ": larger than " + MAX_FILE_BYTES + " bytes, not a PEM file");
        }
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }
}
