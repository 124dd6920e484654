package io.gmtls.tboxsim.crypto;

import io.gmtls.crypto.Sm2Keys;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.util.BigIntegers;

/**
 * Opens a GB/T 35276-2017 §7.4 {@code SM2EnvelopedKey}: the encryption key pair the CA made for a
 * vehicle, sent to it encrypted to the vehicle's signing key.
 * <pre>
 * SM2EnvelopedKey ::= SEQUENCE {
 *     symAlgID               AlgorithmIdentifier,  -- SM4-ECB, 1.2.156.10197.1.104.1
 *     symEncryptedKey        SM2Cipher,            -- the 16-byte SM4 key, SM2-encrypted to the recipient
 *     sm2PublicKey           SM2PublicKey,         -- BIT STRING 04 || X || Y of the protected pair
 *     sm2EncryptedPrivateKey BIT STRING            -- SM4-ECB of the 32-byte private scalar d
 * }
 * SM2Cipher ::= SEQUENCE {                         -- GB/T 35276-2017 §7.2
 *     XCoordinate INTEGER, YCoordinate INTEGER,    -- C1
 *     HASH OCTET STRING SIZE(32),                  -- C3 = SM3(x2 || M || y2)
 *     CipherText OCTET STRING                      -- C2
 * }
 * </pre>
 * The standard does not say whether the SM4-ECB input is padded: both the unpadded 32-byte scalar (GmSSL,
 * our CA) and a PKCS#7-padded 48-byte form are accepted. Every length is bounded; any malformed field,
 * a wrong SM2 check value or a private key that does not belong to the envelope's public key fails.
 * Error messages never contain key material.
 */
public final class Sm2EnvelopedKeyOpener {

    /** Far above a real envelope (about 250 bytes); anything larger is refused before parsing. */
    public static final int MAX_ENCODED = 4096;

    private static final int SM4_KEY_BYTES = 16;
    private static final int SM4_BLOCK = 16;
    private static final int SCALAR_BYTES = 32;
    private static final int COORDINATE_BYTES = 32;
    private static final int C3_BYTES = 32;

    private Sm2EnvelopedKeyOpener() {
    }

    /**
     * Opens the DER envelope with the recipient's SM2 private key (the vehicle's signing key).
     *
     * @return the protected key pair (BouncyCastle EC keys on sm2p256v1)
     * @throws GeneralSecurityException if the envelope is malformed or was not made for this key
     */
    public static KeyPair open(byte[] der, PrivateKey recipient) throws GeneralSecurityException {
        Envelope envelope = parse(der);
        byte[] sm4Key = sm2Decrypt(envelope.wrappedKey(), recipient);
        byte[] plain = null;
        try {
            if (sm4Key.length != SM4_KEY_BYTES) {
                throw new GeneralSecurityException("SM2EnvelopedKey: the wrapped key is not a 16-byte SM4 key");
            }
            plain = sm4EcbDecrypt(sm4Key, envelope.encryptedPrivateKey());
            if (plain.length == SCALAR_BYTES + SM4_BLOCK && !paddedWithFullBlock(plain)) {
                throw new GeneralSecurityException("SM2EnvelopedKey: bad padding of the encrypted private key");
            }
            BigInteger d = new BigInteger(1, Arrays.copyOf(plain, SCALAR_BYTES));
            KeyPair pair = Sm2Keys.fromPrivateScalar(d);
            if (!MessageDigest.isEqual(Sm2Keys.encodePoint(pair.getPublic()), envelope.publicKey())) {
                throw new GeneralSecurityException(
                        "SM2EnvelopedKey: the private key does not belong to the envelope's public key");
            }
            return pair;
        } finally {
            Arrays.fill(sm4Key, (byte) 0);
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** The public key (uncompressed point) the envelope says it protects, without opening it. */
    public static byte[] publicKey(byte[] der) throws GeneralSecurityException {
        return parse(der).publicKey().clone();
    }

    private record Envelope(byte[] wrappedKey, byte[] publicKey, byte[] encryptedPrivateKey) {
    }

    private static Envelope parse(byte[] der) throws GeneralSecurityException {
        if (der == null || der.length == 0 || der.length > MAX_ENCODED) {
            throw new GeneralSecurityException("SM2EnvelopedKey: size out of range");
        }
        try {
            ASN1Primitive top = ASN1Primitive.fromByteArray(der);
            if (!Arrays.equals(top.getEncoded("DER"), der)) {
                throw new GeneralSecurityException("SM2EnvelopedKey: not DER, or trailing bytes");
            }
            ASN1Sequence seq = ASN1Sequence.getInstance(top);
            if (seq.size() != 4) {
                throw new GeneralSecurityException("SM2EnvelopedKey: expected 4 fields, found " + seq.size());
            }
            AlgorithmIdentifier algorithm = AlgorithmIdentifier.getInstance(seq.getObjectAt(0));
            if (!GMObjectIdentifiers.sms4_ecb.equals(algorithm.getAlgorithm())) {
                throw new GeneralSecurityException("SM2EnvelopedKey: unsupported symmetric algorithm "
                        + algorithm.getAlgorithm() + " (only SM4-ECB " + GMObjectIdentifiers.sms4_ecb + ")");
            }
            ASN1Encodable parameters = algorithm.getParameters();
            if (parameters != null && !(parameters instanceof ASN1Null)) {
                throw new GeneralSecurityException("SM2EnvelopedKey: SM4-ECB takes no parameters");
            }
            byte[] wrappedKey = sm2CipherToC1C3C2(ASN1Sequence.getInstance(seq.getObjectAt(1)));
            byte[] publicKey = octets(ASN1BitString.getInstance(seq.getObjectAt(2)), "sm2PublicKey");
            if (publicKey.length != 1 + 2 * COORDINATE_BYTES || publicKey[0] != 0x04) {
                throw new GeneralSecurityException("SM2EnvelopedKey: sm2PublicKey is not an uncompressed SM2 point");
            }
            byte[] encrypted = octets(ASN1BitString.getInstance(seq.getObjectAt(3)), "sm2EncryptedPrivateKey");
            if (encrypted.length != SCALAR_BYTES && encrypted.length != SCALAR_BYTES + SM4_BLOCK) {
                throw new GeneralSecurityException("SM2EnvelopedKey: sm2EncryptedPrivateKey must be 32 or 48 bytes, was "
                        + encrypted.length);
            }
            return new Envelope(wrappedKey, publicKey, encrypted);
        } catch (IOException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new GeneralSecurityException("SM2EnvelopedKey: malformed DER", e);
        }
    }

    private static byte[] octets(ASN1BitString bits, String field) throws GeneralSecurityException {
        if (bits.getPadBits() != 0) {
            throw new GeneralSecurityException("SM2EnvelopedKey: " + field + " is not a whole number of octets");
        }
        return bits.getOctets();
    }

    /** SM2Cipher (x, y, C3, C2) → the C1 || C3 || C2 byte string BouncyCastle's engine reads. */
    private static byte[] sm2CipherToC1C3C2(ASN1Sequence cipher) throws GeneralSecurityException {
        if (cipher.size() != 4) {
            throw new GeneralSecurityException("SM2EnvelopedKey: SM2Cipher must have 4 fields");
        }
        // Read as unsigned: some encoders write a coordinate with its top bit set without the leading zero.
        BigInteger x = ASN1Integer.getInstance(cipher.getObjectAt(0)).getPositiveValue();
        BigInteger y = ASN1Integer.getInstance(cipher.getObjectAt(1)).getPositiveValue();
        if (x.bitLength() > 256 || y.bitLength() > 256) {
            throw new GeneralSecurityException("SM2EnvelopedKey: SM2Cipher coordinate out of range");
        }
        byte[] c3 = ASN1OctetString.getInstance(cipher.getObjectAt(2)).getOctets();
        byte[] c2 = ASN1OctetString.getInstance(cipher.getObjectAt(3)).getOctets();
        if (c3.length != C3_BYTES) {
            throw new GeneralSecurityException("SM2EnvelopedKey: SM2Cipher HASH must be 32 bytes");
        }
        if (c2.length != SM4_KEY_BYTES) {
            throw new GeneralSecurityException("SM2EnvelopedKey: SM2Cipher must wrap a 16-byte SM4 key, wraps "
                    + c2.length + " bytes");
        }
        byte[] out = new byte[1 + 2 * COORDINATE_BYTES + C3_BYTES + c2.length];
        out[0] = 0x04;
        BigIntegers.asUnsignedByteArray(x, out, 1, COORDINATE_BYTES);
        BigIntegers.asUnsignedByteArray(y, out, 1 + COORDINATE_BYTES, COORDINATE_BYTES);
        System.arraycopy(c3, 0, out, 1 + 2 * COORDINATE_BYTES, C3_BYTES);
        System.arraycopy(c2, 0, out, 1 + 2 * COORDINATE_BYTES + C3_BYTES, c2.length);
        return out;
    }

    private static byte[] sm2Decrypt(byte[] c1c3c2, PrivateKey recipient) throws GeneralSecurityException {
        SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
        try {
            engine.init(false, ECUtil.generatePrivateKeyParameter(recipient));
            return engine.processBlock(c1c3c2, 0, c1c3c2.length);
        } catch (InvalidCipherTextException | IllegalArgumentException | IllegalStateException e) {
            // C1 not on the curve, or C3 does not match: the envelope was not sealed to this key.
            throw new GeneralSecurityException("SM2EnvelopedKey: SM2 decryption of the SM4 key failed"
                    + " (not sealed to this signing key, or corrupted)");
        }
    }

    private static byte[] sm4EcbDecrypt(byte[] key, byte[] input) {
        SM4Engine engine = new SM4Engine();
        engine.init(false, new KeyParameter(key));
        byte[] out = new byte[input.length];
        for (int off = 0; off < input.length; off += SM4_BLOCK) {
            engine.processBlock(input, off, out, off);
        }
        return out;
    }

    /** A 48-byte plaintext must end in one full block of PKCS#7 padding (sixteen 0x10 bytes). */
    private static boolean paddedWithFullBlock(byte[] plain) {
        int bad = 0;
        for (int i = SCALAR_BYTES; i < plain.length; i++) {
            bad |= (plain[i] & 0xff) ^ SM4_BLOCK;
        }
        return bad == 0;
    }
}
