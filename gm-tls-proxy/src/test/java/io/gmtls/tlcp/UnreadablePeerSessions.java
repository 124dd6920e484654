package io.gmtls.tlcp;

import java.util.List;

/**
 * Test support in the engine's package: TLCP sessions in states a handshake cannot produce any more,
 * for the gateway's defences behind the engine's own checks.
 */
public final class UnreadablePeerSessions {

    private UnreadablePeerSessions() {
    }

    /** A session whose peer authenticated with certificates that cannot be parsed. */
    public static TlcpSession authenticatedWithUnreadableCertificates() {
        SessionState state = new SessionState(new byte[0], TlcpCipherSuite.ECC_SM4_GCM_SM3, new byte[48],
                List.of(new byte[] {0x30, 0x03, 0x02, 0x01, 0x05}), System.currentTimeMillis(), Long.MAX_VALUE,
                null, 0);
        return new TlcpSession(null, state, null, -1, false, false, List.of());
    }

    /** A session whose peer sent no certificate. */
    public static TlcpSession anonymous() {
        SessionState state = new SessionState(new byte[0], TlcpCipherSuite.ECC_SM4_GCM_SM3, new byte[48],
                List.of(), System.currentTimeMillis(), Long.MAX_VALUE, null, 0);
        return new TlcpSession(null, state, null, -1, false, false, List.of());
    }
}
