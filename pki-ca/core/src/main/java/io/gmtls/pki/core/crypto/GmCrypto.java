package io.gmtls.pki.core.crypto;

import io.gmtls.crypto.BouncyCastle;
import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The CA's access to the project's BouncyCastle provider ({@link BouncyCastle#PROVIDER}), which the CA,
 * unlike the other modules, also registers in {@link Security} (Spring and JCA lookups by name find it).
 */
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
        Security.addProvider(BouncyCastle.PROVIDER);
        return BouncyCastle.PROVIDER;
    }

    /** The BouncyCastle provider (SM2, SM3, SM4, PKCS#8 PBES2). */
    public static Provider provider() {
        return PROVIDER;
    }
}
