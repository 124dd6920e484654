package io.gmtls.crypto.tls;

import io.gmtls.crypto.BouncyCastle;
import java.security.Provider;
import java.security.SecureRandom;

import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Makes BouncyCastle's JSSE run RFC 8998's SM2 work — sm2sig_sm3 signing and verification, curveSM2
 * ECDHE — on the project's own SM2 kernel ({@link io.gmtls.crypto.sm2.Sm2}) and BouncyCastle's lightweight
 * API instead of JCA objects ({@link Sm2TlsCrypto}), and
 * everything else (SM3, SM4-GCM, HKDF, certificate parsing) on {@link BouncyCastle#PROVIDER} as before.
 *
 * <p>Why: BCJSSE's default crypto builds a JCA {@code Signature} per handshake (twice, as it probes the
 * provider first) and BouncyCastle's JCA SM2 signer recomputes the public point d·G from the private key
 * at every {@code initSign}; a JCA key pair generator and key agreement run per ECDHE. Here the server key
 * is turned into a signing handle once, and peers' public keys keep their verification tables.
 */
public final class Sm2TlsCryptoProvider extends JcaTlsCryptoProvider {

    /**
     * BouncyCastle's JSSE provider on this crypto: the one to ask for TLS_SM4_GCM_SM3 contexts. Not
     * registered in {@link java.security.Security}, like {@link BouncyCastle#JSSE}.
     */
    public static final Provider JSSE = new BouncyCastleJsseProvider(false, new Sm2TlsCryptoProvider());

    Sm2TlsCryptoProvider() {
        setProvider(BouncyCastle.PROVIDER);
    }

    /**
     * The crypto of a context initialised without a {@link SecureRandom} ({@code SSLContext.init(…, null)}):
     * the platform's default one, as the TLCP engine uses, not BouncyCastle's "DEFAULT" DRBG, which BCJSSE
     * would pick and which reseeds from its entropy source on every request (prediction resistance): ~6 %
     * of a TLS 1.3 SM handshake's CPU at the gateway (JFR), for the ECDHE key, the signature nonce and
     * BCJSSE's per-connection nonce generator.
     */
    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom) {
        return super.create(keyRandom != null ? keyRandom : new SecureRandom());
    }

    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
        return new Sm2TlsCrypto(getHelper(), getAltHelper(), keyRandom, nonceRandom);
    }
}
