package io.gmtls.crypto.tls;

import io.gmtls.crypto.Sm2Keys;
import io.gmtls.crypto.sm2.Sm2;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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

import org.bouncycastle.crypto.io.SignerOutputStream;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.signers.SM2Signer;
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
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.TlsStreamSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * BouncyCastle's JCA-based TLS crypto with RFC 8998's SM2 operations taken off the JCA: the sm2sig_sm3
 * signer and curveSM2 ECDHE key generation on {@link Sm2} (constant-time d·G, the server key's handle made
 * once), the TLS 1.3 sm2sig_sm3 verifier and the ECDHE shared point on BouncyCastle's lightweight API (for
 * verification with each peer key's table kept: the cheapest of the two measured). Parsed certificates
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

    private final Map<PrivateKey, Sm2.Private> signingKeys = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, ECPublicKeyParameters> verifyingKeys = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, ECPublicKeyParameters> eldest) {
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

    Sm2TlsCrypto(JcaJceHelper helper, JcaJceHelper altHelper, SecureRandom keyRandom, SecureRandom nonceRandom) {
        super(helper, altHelper, keyRandom, nonceRandom);
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
     * A peer's SM2 key as BouncyCastle parameters on the canonical curve, validated once; the point object
     * is the one of earlier handshakes, so it carries the wNAF table BouncyCastle built for it.
     */
    private ECPublicKeyParameters verifyingKey(PublicKey publicKey) throws IOException {
        ByteBuffer encoded;
        try {
            encoded = ByteBuffer.wrap(Sm2Keys.encodePoint(publicKey));
        } catch (RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
        }
        synchronized (verifyingKeys) {
            ECPublicKeyParameters cached = verifyingKeys.get(encoded);
            if (cached != null) {
                return cached;
            }
        }
        ECPublicKeyParameters key;
        try {
            ECPoint q = CURVE.decodePoint(encoded.array());
            if (q.isInfinity() || !q.isValid()) {
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
            key = new ECPublicKeyParameters(q, Sm2Keys.DOMAIN);
        } catch (IllegalArgumentException e) {
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
        private final SM2Signer verifier = new SM2Signer();
        private final OutputStream output;

        Sm2Tls13Verifier(ECPublicKeyParameters key, byte[] id) {
            verifier.init(false, new ParametersWithID(key, id));
            output = new SignerOutputStream(verifier);
        }

        @Override
        public OutputStream getOutputStream() {
            return output;
        }

        @Override
        public boolean verifySignature(byte[] signature) {
            try {
                return verifier.verifySignature(signature);
            } catch (RuntimeException malformed) {
                return false;
            }
        }
    }

    /**
     * ECDHE on curveSM2 (RFC 8998 section 3.2.2, as RFC 8446's ECDHE): the ephemeral key pair from
     * {@link Sm2.Private#generate} (constant-time d·G), the peer's share validated by
     * {@link Sm2.Public#decode}, the shared secret the x coordinate of d·Q, 32 bytes.
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
            // BouncyCastle's variable-base multiplication, as its JCA key agreement did before; the scalar is
            // used for this one handshake only.
            ECPoint shared = CURVE.decodePoint(peer.encoded()).multiply(ephemeral.scalar()).normalize();
            if (shared.isInfinity()) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter);
            }
            // FE2OSP: fixed length, leading zeros kept (RFC 8446 7.4.2).
            byte[] x = shared.getAffineXCoord().getEncoded();
            try {
                return crypto.createSecret(x);
            } finally {
                java.util.Arrays.fill(x, (byte) 0);
            }
        }
    }
}
