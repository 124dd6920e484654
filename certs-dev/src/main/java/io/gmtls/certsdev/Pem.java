package io.gmtls.certsdev;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.List;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;

/** PEM encodings: certificates, CRLs, and PKCS#8 private keys (optionally PBES2-encrypted). */
public final class Pem {
    /** PBKDF2 iterations for encrypted keys; OpenSSL's own default is 2048. */
    static final int PBKDF2_ITERATIONS = 10_000;

    private Pem() {
    }

    /** PEM of certificates or CRLs, one block each, in order. */
    public static byte[] encode(List<?> objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot PEM-encode", e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A PKCS#8 PEM private key: {@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} (PBES2 with
     * PBKDF2-HMAC-SHA256 and AES-256-CBC, which OpenSSL 3 reads) when a passphrase is given.
     */
    public static byte[] privateKey(PrivateKey key, char[] passphrase) {
        try {
            OutputEncryptor encryptor = null;
            if (passphrase != null) {
                encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setPRF(PKCS8Generator.PRF_HMACSHA256)
                        .setIterationCount(PBKDF2_ITERATIONS)
                        .setProvider(Bc.PROVIDER)
                        .setPassword(passphrase)
                        .build();
            }
            return encode(List.of(new JcaPKCS8Generator(key, encryptor)));
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot encode a private key", e);
        }
    }
}
