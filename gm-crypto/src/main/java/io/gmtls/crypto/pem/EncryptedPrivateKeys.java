package io.gmtls.crypto.pem;

import io.gmtls.crypto.BouncyCastle;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.paddings.PKCS7Padding;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Decrypts PKCS#8 {@code ENCRYPTED PRIVATE KEY} files as OpenSSL, BouncyCastle and GmSSL write them: the
 * one place in the project that does so (the gateway, tbox-sim and the CA all call it).
 *
 * <p>PBES2 (RFC 8018) is decrypted here with BouncyCastle's lightweight primitives, because
 * BouncyCastle's PKCS#8 reader does not know GmSSL's PRF identifier: {@code gmssl sm2keygen} writes
 * PBKDF2 with HMAC-SM3 as {@code 1.2.156.10197.1.401.2} (no parameters) and SM4-CBC
 * ({@code 1.2.156.10197.1.104.2}). Supported PRFs: HMAC-SHA1/224/256/384/512 and HMAC-SM3 (GmSSL's
 * identifier and BouncyCastle's {@code 1.2.156.10197.1.401.3.1}); ciphers: AES-128/192/256-CBC,
 * SM4-CBC, DES-EDE3-CBC. The legacy PKCS#5 v1.5 and PKCS#12 schemes go to BouncyCastle's reader.
 *
 * <p>The iteration count is bounded by {@link #MAX_ITERATIONS} so that a crafted file cannot stall a
 * start. Errors name the file and, for an unsupported scheme, the algorithm identifiers; never the
 * passphrase or key material. A wrong passphrase and a damaged ciphertext cannot be told apart (both
 * fail the padding or the PKCS#8 structure check), so they share one message.
 */
public final class EncryptedPrivateKeys {

    /** Largest PBKDF2 (or PKCS#12/PKCS#5 v1.5) iteration count accepted; GmSSL writes 65,536. */
    public static final int MAX_ITERATIONS = 10_000_000;

    /** GmSSL's identifier for PBKDF2 with HMAC-SM3 ({@code gmssl sm2keygen -pass}). */
    public static final ASN1ObjectIdentifier GMSSL_HMAC_SM3 = new ASN1ObjectIdentifier("1.2.156.10197.1.401.2");

    /** BouncyCastle's identifier for HMAC-SM3. */
    public static final ASN1ObjectIdentifier HMAC_SM3 = new ASN1ObjectIdentifier("1.2.156.10197.1.401.3.1");

    /** SM4 in CBC mode (GB/T 33560), 16-byte IV as an OCTET STRING parameter. */
    public static final ASN1ObjectIdentifier SM4_CBC = new ASN1ObjectIdentifier("1.2.156.10197.1.104.2");

    private static final ASN1ObjectIdentifier PKCS12_PBE = new ASN1ObjectIdentifier("1.2.840.113549.1.12.1");

    private static final Map<ASN1ObjectIdentifier, Supplier<Digest>> PRFS = Map.of(
            PKCSObjectIdentifiers.id_hmacWithSHA1, SHA1Digest::new,
            PKCSObjectIdentifiers.id_hmacWithSHA224, SHA224Digest::new,
            PKCSObjectIdentifiers.id_hmacWithSHA256, SHA256Digest::new,
            PKCSObjectIdentifiers.id_hmacWithSHA384, SHA384Digest::new,
            PKCSObjectIdentifiers.id_hmacWithSHA512, SHA512Digest::new,
            GMSSL_HMAC_SM3, SM3Digest::new,
            HMAC_SM3, SM3Digest::new);

    /** A CBC cipher of a PBES2 encryption scheme: its block engine and key length. */
    private record Cbc(Supplier<BlockCipher> engine, int keyBytes) {
    }

    private static final Map<ASN1ObjectIdentifier, Cbc> CIPHERS = Map.of(
            NISTObjectIdentifiers.id_aes128_CBC, new Cbc(AESEngine::newInstance, 16),
            NISTObjectIdentifiers.id_aes192_CBC, new Cbc(AESEngine::newInstance, 24),
            NISTObjectIdentifiers.id_aes256_CBC, new Cbc(AESEngine::newInstance, 32),
            SM4_CBC, new Cbc(SM4Engine::new, 16),
            PKCSObjectIdentifiers.des_EDE3_CBC, new Cbc(DESedeEngine::new, 24));

    private static final String SUPPORTED = "supported: PBES2 with PBKDF2 (HMAC-SHA1/224/256/384/512, HMAC-SM3 "
            + GMSSL_HMAC_SM3 + " or " + HMAC_SM3 + ") and AES-CBC, SM4-CBC or DES-EDE3-CBC; PKCS#12 and PKCS#5 v1.5 PBE";

    private EncryptedPrivateKeys() {
    }

    /**
     * The plain PKCS#8 key inside an encrypted one.
     *
     * @param encrypted  the parsed {@code ENCRYPTED PRIVATE KEY}
     * @param passphrase the passphrase (not kept, not changed)
     * @param source     names the key in error messages, typically its file path
     * @throws KeyDecryptionException with a message fit for an operator: wrong passphrase or corrupt
     *                                file, unsupported scheme (naming its identifiers), a refused
     *                                iteration count, or no passphrase
     */
    public static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, char[] passphrase, String source)
            throws KeyDecryptionException {
        if (passphrase == null) {
            throw new KeyDecryptionException(KeyDecryptionException.Reason.NO_PASSPHRASE,
                    source + ": the private key is encrypted and no passphrase was given");
        }
        AlgorithmIdentifier scheme = encrypted.getEncryptionAlgorithm();
        ASN1ObjectIdentifier oid = scheme.getAlgorithm();
        if (PKCSObjectIdentifiers.id_PBES2.equals(oid)) {
            return pbes2(scheme, encrypted.getEncryptedData(), passphrase, source);
        }
        if (oid.on(PKCS12_PBE) || isPkcs5v1(oid)) {
            return legacy(encrypted, passphrase, source);
        }
        throw unsupported(source, "encryption scheme " + oid);
    }

    private static PrivateKeyInfo pbes2(AlgorithmIdentifier scheme, byte[] ciphertext, char[] passphrase,
            String source) throws KeyDecryptionException {
        PBES2Parameters parameters;
        PBKDF2Params kdf;
        try {
            parameters = PBES2Parameters.getInstance(scheme.getParameters());
            KeyDerivationFunc function = parameters.getKeyDerivationFunc();
            if (!PKCSObjectIdentifiers.id_PBKDF2.equals(function.getAlgorithm())) {
                throw unsupported(source, "key derivation " + function.getAlgorithm());
            }
            kdf = PBKDF2Params.getInstance(function.getParameters());
        } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
            throw corruptParameters(source);
        }
        AlgorithmIdentifier prf = kdf.getPrf();
        EncryptionScheme cipherId = parameters.getEncryptionScheme();
        Supplier<Digest> digest = PRFS.get(prf.getAlgorithm());
        Cbc cipher = CIPHERS.get(cipherId.getAlgorithm());
        if (digest == null || cipher == null || !absentOrNull(prf.getParameters())) {
            throw unsupported(source, "PBKDF2 PRF " + prf.getAlgorithm() + ", cipher " + cipherId.getAlgorithm());
        }
        int iterations = iterations(kdf.getIterationCount(), source);
        BigInteger keyLength = kdf.getKeyLength();
        if (keyLength != null && !keyLength.equals(BigInteger.valueOf(cipher.keyBytes()))) {
            throw corruptParameters(source);
        }
        byte[] iv;
        try {
            iv = ASN1OctetString.getInstance(cipherId.getParameters()).getOctets();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw corruptParameters(source);
        }
        BlockCipher engine = cipher.engine().get();
        if (iv.length != engine.getBlockSize()) {
            throw corruptParameters(source);
        }
        if (ciphertext.length == 0 || ciphertext.length % engine.getBlockSize() != 0) {
            throw wrongPassphrase(source);
        }

        byte[] password = PBEParametersGenerator.PKCS5PasswordToUTF8Bytes(passphrase);
        byte[] key = null;
        byte[] plain = null;
        try {
            PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(digest.get());
            generator.init(password, kdf.getSalt(), iterations);
            key = ((KeyParameter) generator.generateDerivedParameters(cipher.keyBytes() * 8)).getKey();
            PaddedBufferedBlockCipher decryptor = new PaddedBufferedBlockCipher(
                    CBCBlockCipher.newInstance(engine), new PKCS7Padding());
            decryptor.init(false, new ParametersWithIV(new KeyParameter(key), iv));
            plain = new byte[decryptor.getOutputSize(ciphertext.length)];
            int length = decryptor.processBytes(ciphertext, 0, ciphertext.length, plain, 0);
            length += decryptor.doFinal(plain, length);
            return privateKeyInfo(Arrays.copyOf(plain, length), source);
        } catch (InvalidCipherTextException | RuntimeException e) {
            // Bad padding: the usual sign of a wrong passphrase.
            throw wrongPassphrase(source);
        } finally {
            Arrays.fill(password, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** PKCS#12 and PKCS#5 v1.5 PBE: BouncyCastle's reader, after the same iteration bound. */
    private static PrivateKeyInfo legacy(PKCS8EncryptedPrivateKeyInfo encrypted, char[] passphrase, String source)
            throws KeyDecryptionException {
        AlgorithmIdentifier scheme = encrypted.getEncryptionAlgorithm();
        // PBEParameter (PKCS#5) and PKCS12PBEParams are both SEQUENCE { salt OCTET STRING, iterations INTEGER }.
        ASN1Encodable params = scheme.getParameters();
        if (!(params instanceof ASN1Sequence sequence) || sequence.size() != 2
                || !(sequence.getObjectAt(1) instanceof ASN1Integer count)) {
            throw corruptParameters(source);
        }
        iterations(count.getValue(), source);
        PrivateKeyInfo info;
        try {
            info = encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(BouncyCastle.PROVIDER).build(passphrase));
        } catch (OperatorCreationException e) {
            throw unsupported(source, "encryption scheme " + scheme.getAlgorithm());
        } catch (PKCSException | RuntimeException e) {
            throw wrongPassphrase(source);
        }
        try {
            return privateKeyInfo(info.getEncoded(), source);
        } catch (IOException e) {
            throw wrongPassphrase(source);
        }
    }

    private static boolean isPkcs5v1(ASN1ObjectIdentifier oid) {
        return oid.equals(PKCSObjectIdentifiers.pbeWithMD2AndDES_CBC)
                || oid.equals(PKCSObjectIdentifiers.pbeWithMD5AndDES_CBC)
                || oid.equals(PKCSObjectIdentifiers.pbeWithMD2AndRC2_CBC)
                || oid.equals(PKCSObjectIdentifiers.pbeWithMD5AndRC2_CBC)
                || oid.equals(PKCSObjectIdentifiers.pbeWithSHA1AndDES_CBC)
                || oid.equals(PKCSObjectIdentifiers.pbeWithSHA1AndRC2_CBC);
    }

    /** Parses decrypted bytes as PKCS#8; anything else means the passphrase was wrong. */
    private static PrivateKeyInfo privateKeyInfo(byte[] der, String source) throws KeyDecryptionException {
        try {
            // fromByteArray refuses trailing bytes, so random plaintext with valid padding still fails.
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
            if (info == null || info.getPrivateKeyAlgorithm() == null) {
                throw wrongPassphrase(source);
            }
            return info;
        } catch (IOException | RuntimeException e) {
            throw wrongPassphrase(source);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    private static int iterations(BigInteger count, String source) throws KeyDecryptionException {
        if (count == null || count.signum() <= 0) {
            throw corruptParameters(source);
        }
        if (count.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
            throw new KeyDecryptionException(KeyDecryptionException.Reason.LIMIT_EXCEEDED, source
                    + ": the key's iteration count " + count + " is above the limit of " + MAX_ITERATIONS
                    + " (refused, the file may be crafted)");
        }
        return count.intValueExact();
    }

    private static boolean absentOrNull(ASN1Encodable parameters) {
        return parameters == null || DERNull.INSTANCE.equals(parameters);
    }

    private static KeyDecryptionException wrongPassphrase(String source) {
        return new KeyDecryptionException(KeyDecryptionException.Reason.WRONG_PASSPHRASE,
                "wrong passphrase or corrupt key file: " + source);
    }

    private static KeyDecryptionException corruptParameters(String source) {
        return new KeyDecryptionException(KeyDecryptionException.Reason.CORRUPT,
                "corrupt key file (malformed encryption parameters): " + source);
    }

    private static KeyDecryptionException unsupported(String source, String what) {
        return new KeyDecryptionException(KeyDecryptionException.Reason.UNSUPPORTED,
                source + ": unsupported private key encryption: " + what + " (" + SUPPORTED + ")");
    }

    /**
     * An encrypted private key that could not be decrypted. The message is meant for an operator as is;
     * it carries no cause, so no library stack trace comes with it.
     */
    public static final class KeyDecryptionException extends GeneralSecurityException {
        private static final long serialVersionUID = 1L;

        /** Why decryption failed. */
        public enum Reason {
            /** Padding or PKCS#8 structure wrong after decryption: wrong passphrase or damaged ciphertext. */
            WRONG_PASSPHRASE,
            /** The encryption parameters themselves are malformed. */
            CORRUPT,
            /** A scheme, PRF or cipher this class does not implement. */
            UNSUPPORTED,
            /** An iteration count above {@link #MAX_ITERATIONS}. */
            LIMIT_EXCEEDED,
            /** The key is encrypted and the caller has no passphrase. */
            NO_PASSPHRASE
        }

        private final Reason reason;

        KeyDecryptionException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** Why decryption failed. */
        public Reason reason() {
            return reason;
        }
    }
}
