package io.gmtls.crypto;

import java.security.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * The BouncyCastle providers the whole project uses, created once and passed explicitly to JCA/JSSE
 * calls. Nothing here is registered in {@link java.security.Security}, so the JDK's own providers keep
 * serving the standard path (the CA's {@code GmCrypto} is the one place that registers it, by choice).
 */
public final class BouncyCastle {

    /**
     * BCJSSE logs every connection and disconnection at INFO through java.util.logging; at gateway rates
     * that floods the log. Unless the operator configured that logger, only warnings get through. The
     * field keeps the logger (and so its level) alive: JUL holds loggers weakly.
     */
    private static final Logger JSSE_LOG = quietJsseLog();

    /** The JCA provider: SM2, SM3, SM4, PKCS#8 PBES2 and the PKIX validator that can check SM2 signatures. */
    public static final Provider PROVIDER = new BouncyCastleProvider();

    /** BouncyCastle's JSSE provider, doing all its cryptography through {@link #PROVIDER}. */
    public static final Provider JSSE = new BouncyCastleJsseProvider(PROVIDER);

    private BouncyCastle() {
    }

    private static Logger quietJsseLog() {
        Logger logger = Logger.getLogger("org.bouncycastle.jsse");
        if (logger.getLevel() == null) {
            logger.setLevel(Level.WARNING);
        }
        return logger;
    }
}
