package io.gmtls.pki.core.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.util.Strings;

/**
 * SM2-with-SM3 content signers and verifiers (GB/T 32918.2, user ID {@value GmCrypto#SM2_USER_ID}) on
 * BouncyCastle's {@link SM2Signer} directly, for the CA's hot path:
 * <ul>
 * <li>A signing key's signers are kept in a pool, each initialised once. Initialising an
 * {@code SM2Signer} computes d·G and the key's Z value (SM3 over the user ID, curve and public
 * key); the JCA {@code Signature} does that on every {@code initSign}, i.e. once per certificate.
 * An {@code SM2Signer} resets to Z after each signature, so a pooled one is reused as is.</li>
 * <li>A verifier takes the public key as BouncyCastle parameters on the custom curve, without a JCA
 * key factory.</li>
 * </ul>
 * Signatures are the standard DER {@code SEQUENCE {r, s}}, identical in form to the JCA's.
 */
public final class Sm2Operators {

    /** SM2-with-SM3 (1.2.156.10197.1.501), as BouncyCastle's JCA content signer names it. */
    public static final AlgorithmIdentifier SM3_WITH_SM2 =
            new DefaultSignatureAlgorithmIdentifierFinder().find("SM3withSM2");

    private static final byte[] USER_ID = Strings.toByteArray(GmCrypto.SM2_USER_ID);
    private static final int MAX_POOLED = 64;

    private Sm2Operators() {
    }

    /** A pool of initialised signers for one SM2 private key. */
    public static final class SignerPool {
        private final ECPrivateKeyParameters key;
        private final SecureRandom random;
        private final ConcurrentLinkedQueue<SM2Signer> idle = new ConcurrentLinkedQueue<>();
        private final AtomicInteger idleCount = new AtomicInteger();

        public SignerPool(ECPrivateKeyParameters key, SecureRandom random) {
            this.key = key;
            this.random = random;
            release(create()); // fails here, at startup, if the key is unusable
        }

        private SM2Signer create() {
            SM2Signer signer = new SM2Signer();
            signer.init(true, new ParametersWithID(new ParametersWithRandom(key, random), USER_ID));
            return signer;
        }

        private SM2Signer acquire() {
            SM2Signer signer = idle.poll();
            if (signer == null) {
                return create();
            }
            idleCount.decrementAndGet();
            return signer;
        }

        private void release(SM2Signer signer) {
            if (idleCount.incrementAndGet() <= MAX_POOLED) {
                idle.offer(signer);
            } else {
                idleCount.decrementAndGet();
            }
        }

        /** A content signer for one signature (not thread-safe, like every ContentSigner). */
        public ContentSigner contentSigner() {
            SM2Signer signer = acquire();
            return new ContentSigner() {
                private boolean done;

                @Override
                public AlgorithmIdentifier getAlgorithmIdentifier() {
                    return SM3_WITH_SM2;
                }

                @Override
                public OutputStream getOutputStream() {
                    return new SignerStream(signer);
                }

                @Override
                public byte[] getSignature() {
                    if (done) {
                        throw new IllegalStateException("signature already produced");
                    }
                    done = true;
                    try {
                        byte[] signature = signer.generateSignature();
                        release(signer); // reset to Z by generateSignature
                        return signature;
                    } catch (CryptoException e) {
                        throw new RuntimeOperatorException("SM2 signing failed", e);
                    }
                }
            };
        }
    }

    /** Verifies SM2-with-SM3 signatures of one public key; other algorithms are refused. */
    public static ContentVerifierProvider verifierProvider(ECPublicKeyParameters key) {
        return new ContentVerifierProvider() {
            @Override
            public boolean hasAssociatedCertificate() {
                return false;
            }

            @Override
            public org.bouncycastle.cert.X509CertificateHolder getAssociatedCertificate() {
                return null;
            }

            @Override
            public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
                if (!GMObjectIdentifiers.sm2sign_with_sm3.equals(algorithm.getAlgorithm())) {
                    throw new OperatorCreationException("an SM2 key must sign with SM2-with-SM3, not "
                            + algorithm.getAlgorithm());
                }
                SM2Signer verifier = new SM2Signer();
                verifier.init(false, new ParametersWithID(key, USER_ID));
                return new ContentVerifier() {
                    @Override
                    public AlgorithmIdentifier getAlgorithmIdentifier() {
                        return algorithm;
                    }

                    @Override
                    public OutputStream getOutputStream() {
                        return new SignerStream(verifier);
                    }

                    @Override
                    public boolean verify(byte[] signature) {
                        return verifier.verifySignature(signature);
                    }
                };
            }
        };
    }

    /** Feeds written bytes to the signer. */
    private static final class SignerStream extends OutputStream {
        private final SM2Signer signer;

        SignerStream(SM2Signer signer) {
            this.signer = signer;
        }

        @Override
        public void write(int b) {
            signer.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            signer.update(b, off, len);
        }

        @Override
        public void close() throws IOException {
        }
    }
}
