package io.gmtls.pki.core.crypto;

import io.gmtls.crypto.Sm2Keys;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.util.BigIntegers;

/**
 * An SM2 ciphertext in its DER form (GB/T 35276-2017 §7.2, GM/T 0009), the form OpenSSL 3's
 * {@code pkeyutl -decrypt} and the TLCP ClientKeyExchange use:
 * <pre>
 * SM2Cipher ::= SEQUENCE {
 *     XCoordinate INTEGER,                -- x of C1
 *     YCoordinate INTEGER,                -- y of C1
 *     HASH        OCTET STRING SIZE(32),  -- C3 = SM3(x2 || M || y2)
 *     CipherText  OCTET STRING            -- C2
 * }
 * </pre>
 */
public record Sm2Cipher(BigInteger x, BigInteger y, byte[] hash, byte[] cipherText) {

    private static final int COORDINATE_BYTES = 32;
    private static final int MAX_CIPHERTEXT = 64 * 1024;

    public Sm2Cipher {
        if (hash.length != 32) {
            throw new IllegalArgumentException("SM2Cipher HASH must be 32 bytes");
        }
        hash = hash.clone();
        cipherText = cipherText.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public byte[] cipherText() {
        return cipherText.clone();
    }

    /** Encrypts {@code plaintext} to an SM2 public key. */
    public static Sm2Cipher encrypt(PublicKey recipient, byte[] plaintext, SecureRandom random) {
        return encrypt(Sm2Keys.publicParameters(recipient), plaintext, random);
    }

    /**
     * Encrypts {@code plaintext} to an SM2 public key given as BouncyCastle parameters (GB/T 32918.4 with
     * SM3, BouncyCastle's {@code SM2Engine}). Keep one parameters object per long-lived recipient (the
     * escrow key): the point caches its precomputed multiples.
     */
    public static Sm2Cipher encrypt(ECPublicKeyParameters recipient, byte[] plaintext, SecureRandom random) {
        SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
        engine.init(true, new ParametersWithRandom(recipient, random));
        try {
            return fromC1C3C2(engine.processBlock(plaintext, 0, plaintext.length));
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("SM2 encryption failed", e);
        }
    }

    /** Decrypts with the recipient's SM2 private key; fails when C3 does not match. */
    public byte[] decrypt(PrivateKey recipient) throws GeneralSecurityException {
        SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
        engine.init(false, Sm2Keys.privateParameters(recipient));
        byte[] raw = toC1C3C2();
        try {
            return engine.processBlock(raw, 0, raw.length);
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw new GeneralSecurityException("SM2 decryption failed", e);
        }
    }

    /** From the raw C1 (uncompressed point) || C3 || C2 concatenation. */
    public static Sm2Cipher fromC1C3C2(byte[] raw) {
        int c1 = 1 + 2 * COORDINATE_BYTES;
        if (raw.length < c1 + 32 || raw[0] != 0x04) {
            throw new IllegalArgumentException("not an SM2 C1C3C2 ciphertext");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + COORDINATE_BYTES));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(raw, 1 + COORDINATE_BYTES, c1));
        byte[] c3 = Arrays.copyOfRange(raw, c1, c1 + 32);
        byte[] c2 = Arrays.copyOfRange(raw, c1 + 32, raw.length);
        return new Sm2Cipher(x, y, c3, c2);
    }

    /** The raw C1 || C3 || C2 concatenation BouncyCastle's engine reads. */
    public byte[] toC1C3C2() {
        byte[] out = new byte[1 + 2 * COORDINATE_BYTES + 32 + cipherText.length];
        out[0] = 0x04;
        System.arraycopy(BigIntegers.asUnsignedByteArray(COORDINATE_BYTES, x), 0, out, 1, COORDINATE_BYTES);
        System.arraycopy(BigIntegers.asUnsignedByteArray(COORDINATE_BYTES, y), 0, out, 1 + COORDINATE_BYTES,
                COORDINATE_BYTES);
        System.arraycopy(hash, 0, out, 1 + 2 * COORDINATE_BYTES, 32);
        System.arraycopy(cipherText, 0, out, 1 + 2 * COORDINATE_BYTES + 32, cipherText.length);
        return out;
    }

    /** The ASN.1 structure. */
    public ASN1Sequence toAsn1() {
        ASN1EncodableVector v = new ASN1EncodableVector(4);
        v.add(new ASN1Integer(x));
        v.add(new ASN1Integer(y));
        v.add(new DEROctetString(hash));
        v.add(new DEROctetString(cipherText));
        return new DERSequence(v);
    }

    /** DER encoding. */
    public byte[] encoded() {
        try {
            return toAsn1().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the ASN.1 structure, bounding every field. */
    public static Sm2Cipher fromAsn1(ASN1Sequence seq) {
        if (seq.size() != 4) {
            throw new IllegalArgumentException("SM2Cipher must have 4 fields");
        }
        BigInteger x = ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue();
        BigInteger y = ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue();
        if (x.bitLength() > 256 || y.bitLength() > 256) {
            throw new IllegalArgumentException("SM2Cipher coordinate too large");
        }
        byte[] hash = ASN1OctetString.getInstance(seq.getObjectAt(2)).getOctets();
        byte[] c2 = ASN1OctetString.getInstance(seq.getObjectAt(3)).getOctets();
        if (c2.length == 0 || c2.length > MAX_CIPHERTEXT) {
            throw new IllegalArgumentException("SM2Cipher ciphertext length out of range");
        }
        return new Sm2Cipher(x, y, hash, c2);
    }

    /** Parses the DER encoding. */
    public static Sm2Cipher parse(byte[] der) {
        return fromAsn1(ASN1Sequence.getInstance(der));
    }
}
