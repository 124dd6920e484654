package io.gmtls.crypto.tls;

import io.gmtls.crypto.Sm2Keys;
import io.gmtls.crypto.sm2.Sm2;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.prng.SP800SecureRandom;
import org.bouncycastle.crypto.prng.SP800SecureRandomBuilder;
import org.bouncycastle.jcajce.spec.SM2ParameterSpec;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.Tls13Verifier;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.TlsECDomain;
import org.bouncycastle.tls.crypto.TlsNonceGenerator;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.TlsStreamSigner;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * BouncyCastle's JCA-based TLS crypto with RFC 8998's SM2 operations taken off the JCA: the sm2sig_sm3
 * signer and curveSM2 ECDHE on {@link Sm2} (constant-time d·G, the server key's handle made once; the shared
 * point d·Q constant-time in the ephemeral d) and the TLS 1.3 sm2sig_sm3 verifier (each peer key validated
 * once and kept; with a key not seen before — a fleet's case — ~20 % cheaper than BouncyCastle's lightweight
 * SM2Signer, measured interleaved on one thread). Parsed certificates
 * are remembered. Everything else is the superclass's, and so is any other key or algorithm that reaches
 * these methods.
 *
 * <p>The distinguishing ID is whatever BouncyCastle's TLS code passes in its {@link SM2ParameterSpec}
 * ("TLSv1.3+GM+Cipher+Suite" for sm2sig_sm3 in 1.84), so signatures stay byte-for-byte what the JCA path
 * would check.
 *
 * <p>One instance serves every engine of an SSL context, across threads: the key caches are concurrent
 * and hold values that are only read (BouncyCastle builds and publishes a point's table under a lock).
 */
final class Sm2TlsCrypto extends JcaTlsCrypto {

    /** Own signing keys remembered; a server has one per certificate, so a small bound only guards misuse. */
    static final int SIGNING_KEYS = 16;
    /** Peer public keys remembered with their verification tables (a few KB each), LRU. */
    static final int VERIFYING_KEYS = 1024;
    /** Parsed certificates remembered by their exact encoding (a few KB each), LRU. */
    static final int CERTIFICATES = 1024;

    private static final ECCurve CURVE = Sm2Keys.CURVE.getCurve();
    private static final ECPoint G = Sm2Keys.CURVE.getG().normalize();
    private static final int FIELD_BYTES = 32;
    private static final byte[] NONCE_PERSONALIZATION =
            "gmtls Sm2TlsCrypto nonces".getBytes(StandardCharsets.US_ASCII);

    private final Map<PrivateKey, Sm2.Private> signingKeys = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Sm2.Public> verifyingKeys = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Sm2.Public> eldest) {
            return size() > VERIFYING_KEYS;
        }
    };

    /**
     * Certificates parsed earlier, by their exact bytes: the server's own chain is sent in every handshake
     * and a reconnecting vehicle presents the same one; BouncyCastle's parse (ASN.1, then its JCA
     * certificate factory) was a few percent of a handshake. The values are only read afterwards (their
     * lazily cached public keys are recomputed identically if two threads race).
     */
    private final Map<ByteBuffer, TlsCertificate> certificates = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, TlsCertificate> eldest) {
            return size() > CERTIFICATES;
        }
    };

    /**
     * The nonces of every connection of this crypto (see {@link #createNonceGenerator}); its methods are
     * synchronized.
     */
    private final SP800SecureRandom nonces;

    Sm2TlsCrypto(JcaJceHelper helper, JcaJceHelper altHelper, SecureRandom keyRandom, SecureRandom nonceRandom) {
        super(helper, altHelper, keyRandom, nonceRandom);
        byte[] seedNonce = new byte[32];
        nonceRandom.nextBytes(seedNonce);
        this.nonces = new SP800SecureRandomBuilder(nonceRandom, false)
                .setPersonalizationString(NONCE_PERSONALIZATION)
                .buildHash(new SHA512Digest(), seedNonce, false);
    }

    /**
     * One nonce generator for all connections, as OpenSSL has one public DRBG beside its private one, instead of
     * BouncyCastle's new Hash_DRBG per connection: instantiating it (SHA-512 derivations, fresh entropy) was ~3 %
     * of a gateway's TLS 1.3 SM handshake (JFR). The same construction (Hash_DRBG with SHA-512 over this
     * crypto's nonce entropy source) and the same use: public values only (hello randoms, session IDs); keys and
     * signature nonces come from {@link #getSecureRandom()}.
     */
    @Override
    public TlsNonceGenerator createNonceGenerator(byte[] additionalSeedMaterial) {
        return size -> {
            byte[] nonce = new byte[size];
            nonces.nextBytes(nonce);
            return nonce;
        };
    }

    @Override
    public TlsCertificate createCertificate(short type, byte[] encoding) throws IOException {
        if (type != CertificateType.X509 || encoding == null) {
            return super.createCertificate(type, encoding);
        }
        ByteBuffer key = ByteBuffer.wrap(encoding.clone());
        synchronized (certificates) {
            TlsCertificate cached = certificates.get(key);
            if (cached != null) {
                return cached;
            }
        }
        TlsCertificate parsed = super.createCertificate(type, encoding);
        synchronized (certificates) {
            certificates.put(key, parsed);
        }
        return parsed;
    }

    /** Certificates remembered now (for tests: the memory is bounded). */
    int certificateCount() {
        synchronized (certificates) {
            return certificates.size();
        }
    }

    @Override
    protected TlsStreamSigner createStreamSigner(String algorithmName, AlgorithmParameterSpec parameter,
            PrivateKey privateKey, boolean needsRandom) throws IOException {
        if (parameter instanceof SM2ParameterSpec spec && isSm2Signature(algorithmName)) {
            Sm2.Private key = signingKey(privateKey);
            if (key != null) {
                return new Sm2StreamSigner(key, Sm2.z(spec.getID(), key.publicKey()), getSecureRandom());
            }
        }
        return super.createStreamSigner(algorithmName, parameter, privateKey, needsRandom);
    }

    @Override
    protected Tls13Verifier createTls13Verifier(String algorithmName, AlgorithmParameterSpec parameter,
            PublicKey publicKey) throws IOException {
        if (parameter instanceof SM2ParameterSpec spec && isSm2Signature(algorithmName) && Sm2Keys.isSm2(publicKey)) {
            return new Sm2Tls13Verifier(verifyingKey(publicKey), spec.getID());
        }
        return super.createTls13Verifier(algorithmName, parameter, publicKey);
    }

    /**
     * TLS_SM4_GCM_SM3's records on {@link Sm4GcmTlsCipher} (the TLCP engine's SM4-GCM: key schedule once per
     * traffic key, nothing through the JCA per record); any other AEAD is the superclass's.
     */
    @Override
    protected TlsAEADCipherImpl createAEADCipher(String cipherName, String algorithm, int keySize,
            boolean isEncrypting) throws GeneralSecurityException {
        if ("SM4/GCM/NoPadding".equals(cipherName) && keySize == 16) {
            return new Sm4GcmTlsCipher(isEncrypting);
        }
        return super.createAEADCipher(cipherName, algorithm, keySize, isEncrypting);
    }

    @Override
    public TlsECDomain createECDomain(TlsECConfig ecConfig) {
        if (ecConfig.getNamedGroup() == NamedGroup.curveSM2) {
            return () -> new Sm2Ecdh(this);
        }
        return super.createECDomain(ecConfig);
    }

    private static boolean isSm2Signature(String algorithmName) {
        return Sm2Keys.SIGNATURE_ALGORITHM.equalsIgnoreCase(algorithmName);
    }

    /** The signing handle of an SM2 private key (made once per key), or null for any other key. */
    private Sm2.Private signingKey(PrivateKey privateKey) {
        Sm2.Private cached = signingKeys.get(privateKey);
        if (cached != null) {
            return cached;
        }
        if (!(privateKey instanceof ECPrivateKey ec) || !isSm2(ec.getParams())) {
            return null;
        }
        Sm2.Private key;
        try {
            key = Sm2.Private.of(ec.getS());
        } catch (InvalidKeyException outOfRange) {
            // Not a usable SM2 key: the JCA path decides (and fails) as it did before.
            return null;
        }
        if (signingKeys.size() >= SIGNING_KEYS) {
            signingKeys.clear();
        }
        signingKeys.put(privateKey, key);
        return key;
    }

    private static boolean isSm2(ECParameterSpec params) {
        return params != null
                && params.getCurve().getField() instanceof ECFieldFp field
                && field.getP().equals(CURVE.getField().getCharacteristic())
                && params.getCurve().getA().equals(CURVE.getA().toBigInteger())
                && params.getCurve().getB().equals(CURVE.getB().toBigInteger())
                && params.getOrder().equals(Sm2.N)
                && params.getCofactor() == 1
                && params.getGenerator().getAffineX().equals(G.getAffineXCoord().toBigInteger())
                && params.getGenerator().getAffineY().equals(G.getAffineYCoord().toBigInteger());
    }

    /**
     * A peer's SM2 key, validated once ({@link Sm2.Public#decode}: on the curve, not infinity); the object is
     * the one of earlier handshakes, so a key seen often (a vehicle reconnecting with full handshakes) gets
     * the verification table {@link Sm2} keeps for frequent keys.
     */
    private Sm2.Public verifyingKey(PublicKey publicKey) throws IOException {
        ByteBuffer encoded;
        try {
            encoded = ByteBuffer.wrap(Sm2Keys.encodePoint(publicKey));
        } catch (RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
        synchronized (verifyingKeys) {
            Sm2.Public cached = verifyingKeys.get(encoded);
            if (cached != null) {
                return cached;
            }
        }
        Sm2.Public key;
        try {
            key = Sm2.Public.decode(encoded.array());
        } catch (InvalidKeyException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
        synchronized (verifyingKeys) {
            verifyingKeys.put(encoded, key);
        }
        return key;
    }

    /** Peer keys remembered now (for tests: the memory is bounded). */
    int verifyingKeyCount() {
        synchronized (verifyingKeys) {
            return verifyingKeys.size();
        }
    }

    /** Signs what is written to it (a TLS 1.3 CertificateVerify input: about 130 bytes) in one go. */
    private static final class Sm2StreamSigner implements TlsStreamSigner {
        private final Sm2.Private key;
        private final byte[] z;
        private final SecureRandom random;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream(160);

        Sm2StreamSigner(Sm2.Private key, byte[] z, SecureRandom random) {
            this.key = key;
            this.z = z;
            this.random = random;
        }

        @Override
        public OutputStream getOutputStream() {
            return message;
        }

        @Override
        public byte[] getSignature() {
            return Sm2.sign(key, z, message.toByteArray(), random);
        }
    }

    /**
     * Checks an sm2sig_sm3 signature over what is written to it with BouncyCastle's lightweight SM2 (with the
     * key's cached table about 3 times cheaper per verification than {@link Sm2#verify} measured on the same
     * JVM); a malformed signature is a failed one.
     */
    private static final class Sm2Tls13Verifier implements Tls13Verifier {
        private final Sm2.Public key;
        private final byte[] id;
        /** What BouncyCastle's TLS code writes: the TLS 1.3 CertificateVerify content (~130 bytes). */
        private final ByteArrayOutputStream output = new ByteArrayOutputStream(160);

        Sm2Tls13Verifier(Sm2.Public key, byte[] id) {
            this.key = key;
            this.id = id.clone();
        }

        @Override
        public OutputStream getOutputStream() {
            return output;
        }

        @Override
        public boolean verifySignature(byte[] signature) {
            // Strict DER, r and s in range: anything else is false, not an exception.
            return Sm2.verify(key, Sm2.z(id, key), output.toByteArray(), signature);
        }
    }

    /**
     * ECDHE on curveSM2 (RFC 8998 section 3.2.2, as RFC 8446's ECDHE): the ephemeral key pair from
     * {@link Sm2.Private#generate} (constant-time d·G), the peer's share validated by
     * {@link Sm2.Public#decode}, the shared secret the x coordinate of d·Q, 32 bytes ({@link Sm2#agree}:
     * constant time in d; BouncyCastle's multiplication, used before, follows the digits of d).
     */
    private static final class Sm2Ecdh implements TlsAgreement {
        private final Sm2TlsCrypto crypto;
        private Sm2.Private ephemeral;
        private Sm2.Public peer;

        Sm2Ecdh(Sm2TlsCrypto crypto) {
            this.crypto = crypto;
        }

        @Override
        public byte[] generateEphemeral() {
            ephemeral = Sm2.Private.generate(crypto.getSecureRandom());
            return ephemeral.publicKey().encoded();
        }

        @Override
        public void receivePeerValue(byte[] peerValue) throws IOException {
            // RFC 8446 4.2.8.2: uncompressed points only.
            if (peerValue == null || peerValue.length != 1 + 2 * FIELD_BYTES || peerValue[0] != 0x04) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter);
            }
            try {
                peer = Sm2.Public.decode(peerValue);
            } catch (InvalidKeyException e) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, e);
            }
        }

        @Override
        public TlsSecret calculateSecret() throws IOException {
            if (ephemeral == null || peer == null) {
                throw new TlsFatalAlert(AlertDescription.internal_error);
            }
            // Constant time in the ephemeral scalar (gm-crypto's fixed-window ladder), the peer's point
            // having been checked on receipt; FE2OSP: 32 bytes, leading zeros kept (RFC 8446 7.4.2).
            byte[] x = Sm2.agree(ephemeral, peer);
            try {
                return crypto.createSecret(x);
            } finally {
                java.util.Arrays.fill(x, (byte) 0);
            }
        }
    }
}
