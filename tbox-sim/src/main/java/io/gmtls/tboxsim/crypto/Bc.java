package io.gmtls.tboxsim.crypto;

import java.security.Provider;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The BouncyCastle JCA provider tbox-sim uses for SM2/SM3/SM4, created once and passed explicitly:
 * nothing is registered in {@link java.security.Security}.
 */
public final class Bc {

    /** SM2 key generation, SM2-with-SM3 signatures, SM2 certificate parsing. */
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private Bc() {
    }
}
