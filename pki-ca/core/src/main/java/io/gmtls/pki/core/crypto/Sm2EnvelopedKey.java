package io.gmtls.pki.core.crypto;

import io.gmtls.crypto.Sm2Keys;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.BigIntegers;

/**
 * An SM2 key pair protected for transport: GB/T 35276-2017 §7.4 (GM/T 0009-2012 §7.4), the
 * {@code encryptedPrivateKey} of a GM/T 0092 certificate response.
 * <pre>
 * SM2EnvelopedKey ::= SEQUENCE {
 *     symAlgID               AlgorithmIdentifier,  -- SM4-ECB, 1.2.156.10197.1.104.1
 *     symEncryptedKey        SM2Cipher,            -- the 16-byte SM4 key, SM2-encrypted to the recipient
 *     sm2PublicKey           SM2PublicKey,         -- BIT STRING 04 || X || Y of the protected pair
 *     sm2EncryptedPrivateKey BIT STRING            -- SM4-ECB of the 32-byte private scalar d
 * }
 * </pre>
 * The standard does not say whether the ECB input is padded. Like GmSSL and emmansun/gmsm we seal the
 * 32-byte big-endian scalar without padding (two SM4 blocks); {@link #open} also accepts a PKCS#7-padded
 * 48-byte form, which other implementations write.
 *
 * <p>Plain Java on BouncyCastle: the T-Box side and the enrollment client use it as well.
 */
public final class Sm2EnvelopedKey {

    /** SM4 in ECB mode: the symmetric algorithm the standard's examples name. */
    public static final ASN1ObjectIdentifier SM4_ECB = GMObjectIdentifiers.sms4_ecb;

    private static final int MAX_ENCODED = 4096;

    private final AlgorithmIdentifier symAlgorithm;
    private final Sm2Cipher symEncryptedKey;
    private final byte[] publicKey;
    private final byte[] encryptedPrivateKey;

    private Sm2EnvelopedKey(AlgorithmIdentifier symAlgorithm, Sm2Cipher symEncryptedKey, byte[] publicKey,
            byte[] encryptedPrivateKey) {
        this.symAlgorithm = symAlgorithm;
        this.symEncryptedKey = symEncryptedKey;
        this.publicKey = publicKey;
        this.encryptedPrivateKey = encryptedPrivateKey;
    }

    /**
     * Seals {@code pair} (an SM2 key pair) to {@code recipient} (an SM2 public key, e.g. the vehicle's
     * signing key): a fresh SM4 key encrypts d, SM2 encrypts the SM4 key.
     */
    public static Sm2EnvelopedKey seal(KeyPair pair, PublicKey recipient, SecureRandom random) {
        return seal(pair, Sm2Keys.publicParameters(recipient), random);
    }

    /** {@link #seal(KeyPair, PublicKey, SecureRandom)} with the recipient as BouncyCastle parameters. */
    public static Sm2EnvelopedKey seal(KeyPair pair, ECPublicKeyParameters recipient, SecureRandom random) {
        if (!(pair.getPrivate() instanceof ECPrivateKey priv)) {
            throw new IllegalArgumentException("not an SM2 key pair");
        }
        byte[] d = BigIntegers.asUnsignedByteArray(32, priv.getS());
        byte[] sm4Key = new byte[16];
        random.nextBytes(sm4Key);
        try {
            byte[] encrypted = sm4Ecb(true, sm4Key, d);
            Sm2Cipher wrappedKey = Sm2Cipher.encrypt(recipient, sm4Key, random);
            return new Sm2EnvelopedKey(new AlgorithmIdentifier(SM4_ECB), wrappedKey,
                    Sm2Keys.encodePoint(pair.getPublic()), encrypted);
        } finally {
            Arrays.fill(d, (byte) 0);
            Arrays.fill(sm4Key, (byte) 0);
        }
    }

    /**
     * Opens the envelope with the recipient's private key and returns the protected key pair; fails if
     * anything is malformed, the SM2 check value does not match, or the recovered private key does not
     * belong to the public key carried in the envelope.
     */
    public KeyPair open(PrivateKey recipient) throws GeneralSecurityException {
        if (!SM4_ECB.equals(symAlgorithm.getAlgorithm())) {
            throw new GeneralSecurityException("unsupported symmetric algorithm " + symAlgorithm.getAlgorithm());
        }
        byte[] sm4Key = symEncryptedKey.decrypt(recipient);
        byte[] plain = null;
        try {
            if (sm4Key.length != 16) {
                throw new GeneralSecurityException("wrapped key is not an SM4 key");
            }
            if (encryptedPrivateKey.length != 32 && encryptedPrivateKey.length != 48) {
                throw new GeneralSecurityException("encrypted private key has a wrong length");
            }
            plain = sm4Ecb(false, sm4Key, encryptedPrivateKey);
            int length = plain.length == 48 ? unpad(plain) : 32;
            if (length != 32) {
                throw new GeneralSecurityException("private key is not 32 bytes");
            }
            KeyPair pair = Sm2Keys.fromPrivateScalar(new BigInteger(1, Arrays.copyOf(plain, 32)));
            if (!MessageDigest.isEqual(Sm2Keys.encodePoint(pair.getPublic()), publicKey)) {
                throw new GeneralSecurityException("private key does not match the envelope's public key");
            }
            return pair;
        } finally {
            Arrays.fill(sm4Key, (byte) 0);
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private static int unpad(byte[] block) throws GeneralSecurityException {
        int pad = block[block.length - 1] & 0xff;
        if (pad != 16) {
            throw new GeneralSecurityException("bad padding");
        }
        for (int i = block.length - pad; i < block.length; i++) {
            if ((block[i] & 0xff) != pad) {
                throw new GeneralSecurityException("bad padding");
            }
        }
        return block.length - pad;
    }

    private static byte[] sm4Ecb(boolean encrypt, byte[] key, byte[] input) {
        SM4Engine engine = new SM4Engine();
        engine.init(encrypt, new KeyParameter(key));
        byte[] out = new byte[input.length];
        for (int off = 0; off < input.length; off += 16) {
            engine.processBlock(input, off, out, off);
        }
        return out;
    }

    /** The public key of the protected pair (uncompressed point). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The SM2 ciphertext of the SM4 key, as the SM2Cipher structure. */
    public Sm2Cipher symEncryptedKey() {
        return symEncryptedKey;
    }

    /** The SM4-ECB ciphertext of the private scalar. */
    public byte[] encryptedPrivateKey() {
        return encryptedPrivateKey.clone();
    }

    /** The symmetric algorithm identifier. */
    public AlgorithmIdentifier symAlgorithm() {
        return symAlgorithm;
    }

    /** DER encoding. */
    public byte[] encoded() {
        ASN1EncodableVector v = new ASN1EncodableVector(4);
        v.add(symAlgorithm);
        v.add(symEncryptedKey.toAsn1());
        v.add(new DERBitString(publicKey));
        v.add(new DERBitString(encryptedPrivateKey));
        try {
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a DER-encoded SM2EnvelopedKey; every length is bounded. */
    public static Sm2EnvelopedKey parse(byte[] der) throws GeneralSecurityException {
        if (der == null || der.length == 0 || der.length > MAX_ENCODED) {
            throw new GeneralSecurityException("SM2EnvelopedKey size out of range");
        }
        try {
            ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            if (seq.size() != 4) {
                throw new GeneralSecurityException("SM2EnvelopedKey must have 4 fields");
            }
            AlgorithmIdentifier alg = AlgorithmIdentifier.getInstance(seq.getObjectAt(0));
            Sm2Cipher cipher = Sm2Cipher.fromAsn1(ASN1Sequence.getInstance(seq.getObjectAt(1)));
            ASN1BitString pub = ASN1BitString.getInstance(seq.getObjectAt(2));
            ASN1BitString enc = ASN1BitString.getInstance(seq.getObjectAt(3));
            if (pub.getPadBits() != 0 || enc.getPadBits() != 0) {
                throw new GeneralSecurityException("SM2EnvelopedKey bit strings must be whole octets");
            }
            byte[] point = pub.getOctets();
            if (point.length != 65 || point[0] != 0x04) {
                throw new GeneralSecurityException("SM2EnvelopedKey public key is not an uncompressed point");
            }
            return new Sm2EnvelopedKey(alg, cipher, point, enc.getOctets());
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new GeneralSecurityException("malformed SM2EnvelopedKey", e);
        }
    }
}
