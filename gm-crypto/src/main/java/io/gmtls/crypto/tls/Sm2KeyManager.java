package io.gmtls.crypto.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;

import javax.net.ssl.SSLEngine;

import org.bouncycastle.jsse.BCX509ExtendedKeyManager;
import org.bouncycastle.jsse.BCX509Key;

/**
 * Serves one SM2 credential to BouncyCastle's JSSE for sm2sig_sm3.
 *
 * <p>Why it exists: in TLS 1.3 BCJSSE asks its key manager for key type {@code EC/sm2p256v1}. Its own
 * PKIX key manager has public-key filters for the NIST and brainpool curves only, so it never returns an
 * SM2 key; and it wraps any plain {@code X509ExtendedKeyManager} in an adapter that re-checks the chosen
 * key against the same filter table, so returning the SM2 alias from an ordinary key manager is silently
 * dropped too. A subclass of {@link BCX509ExtendedKeyManager} is used as it is, without that wrapper.
 */
public final class Sm2KeyManager extends BCX509ExtendedKeyManager {

    private static final String ALIAS = "sm2";

    private final BCX509Key key;

    public Sm2KeyManager(CertificateCredential credential) {
        Objects.requireNonNull(credential, "credential");
        if (credential.kind() != CertificateCredential.KeyKind.SM2) {
            throw new IllegalArgumentException("not an SM2 credential: " + credential);
        }
        X509Certificate[] chain = credential.chainArray();
        PrivateKey privateKey = credential.privateKey();
        this.key = new BCX509Key() {
            @Override
            public X509Certificate[] getCertificateChain() {
                return chain.clone();
            }

            @Override
            public String getKeyType() {
                return Rfc8998.BC_KEY_TYPE;
            }

            @Override
            public PrivateKey getPrivateKey() {
                return privateKey;
            }
        };
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return Rfc8998.BC_KEY_TYPE.equals(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseEngineServerAlias(keyType, issuers, null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return keyTypes != null && Arrays.asList(keyTypes).contains(Rfc8998.BC_KEY_TYPE) ? ALIAS : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseEngineClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return Rfc8998.BC_KEY_TYPE.equals(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? key.getCertificateChain() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key.getPrivateKey() : null;
    }

    @Override
    protected BCX509Key getKeyBC(String keyType, String alias) {
        return ALIAS.equals(alias) && Rfc8998.BC_KEY_TYPE.equals(keyType) ? key : null;
    }
}
