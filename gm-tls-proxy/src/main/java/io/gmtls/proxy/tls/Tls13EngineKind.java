package io.gmtls.proxy.tls;

/** Which TLS 1.3 engine serves a connection. */
public enum Tls13EngineKind {
    /** RFC 8998 TLS_SM4_GCM_SM3 with an SM2 certificate, through BouncyCastle's JSSE. */
    SM2_BOUNCYCASTLE,
    /** Standard suites with an ECDSA/RSA certificate through Netty's BoringSSL engine. */
    STANDARD_OPENSSL,
    /** Standard suites with an ECDSA/RSA certificate through the JDK's engine (BoringSSL not loadable). */
    STANDARD_JDK;

    /** True for the ShangMi (RFC 8998) engine. */
    public boolean isSm() {
        return this == SM2_BOUNCYCASTLE;
    }
}
