package io.gmtls.proxy.tls;

import java.security.Provider;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * The BouncyCastle providers this package uses, created once and passed explicitly: nothing here is
 * registered in {@link java.security.Security}, so the JDK's own providers keep serving the standard path.
 */
final class BouncyCastle {

    /**
     * BCJSSE logs every connection and disconnection at INFO through java.util.logging; at gateway rates
     * that floods the log. Unless the operator configured that logger, only warnings get through. The
     * field keeps the logger (and so its level) alive: JUL holds loggers weakly.
     */
    private static final java.util.logging.Logger JSSE_LOG = quietJsseLog();

    /** The JCA provider: SM2, SM3, SM4 and the PKIX validator that can check SM2 signatures. */
    static final Provider PROVIDER = new BouncyCastleProvider();

    /** BouncyCastle's JSSE provider, doing all its cryptography through {@link #PROVIDER}. */
    static final Provider JSSE = new BouncyCastleJsseProvider(PROVIDER);

    private BouncyCastle() {
    }

    private static java.util.logging.Logger quietJsseLog() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");
        if (logger.getLevel() == null) {
            logger.setLevel(java.util.logging.Level.WARNING);
        }
        return logger;
    }
}
