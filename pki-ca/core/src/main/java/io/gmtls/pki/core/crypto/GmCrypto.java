package io.gmtls.pki.core.crypto;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The one BouncyCastle provider instance the CA uses, registered once. */
public final class GmCrypto {

    /** SM2 user ID (distinguishing identifier) used everywhere: the GB/T 32918 / GM/T 0009 default. */
    public static final String SM2_USER_ID = "1234567812345678";

    private static final Provider PROVIDER = install();

    private GmCrypto() {
    }

    private static Provider install() {
        Provider existing = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (existing != null) {
            return existing;
        }
        Provider bc = new BouncyCastleProvider();
        Security.addProvider(bc);
        return bc;
    }

    /** The BouncyCastle provider (SM2, SM3, SM4, PKCS#8 PBES2). */
    public static Provider provider() {
        return PROVIDER;
    }
}
