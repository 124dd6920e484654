package io.gmtls.certsdev;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** One BouncyCastle provider instance, used by name-free JCA calls; never installed globally. */
final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();

    private Bc() {
    }
}
