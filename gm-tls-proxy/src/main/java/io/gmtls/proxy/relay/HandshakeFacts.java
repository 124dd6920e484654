package io.gmtls.proxy.relay;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.gmtls.crypto.tls.CertificateRejectedException;
import io.gmtls.proxy.revocation.LiveConnections;
import io.gmtls.proxy.tls.Tls13Selection;
import io.gmtls.tlcp.TlcpAlertException;
import io.gmtls.tlcp.TlcpCipherSuite;
import io.gmtls.tlcp.TlcpSession;
import io.netty.channel.Channel;

/**
 * What a finished handshake tells the relay: protocol, suite (OpenSSL-style name), SNI and the client's
 * certificates. A completed handshake with client certificates means they verified: both engines refuse
 * the handshake otherwise.
 *
 * @param protocol     e.g. {@code TLCPv1.1}, {@code TLSv1.3}
 * @param suite        e.g. {@code ECC-SM2-SM4-GCM-SM3}, {@code TLS_SM4_GCM_SM3}
 * @param serverName   SNI host name, or null
 * @param peerChain    the client's verified certificates (TLCP: the verified path, signing first, then
 *                     encryption; certificates sent beside it are not there), empty if none
 * @param identity     what the relay reads from {@code peerChain} (CN, serial, PPv2 facts, revocation ids),
 *                     null if it is empty
 */
record HandshakeFacts(String protocol, String suite, String serverName, List<X509Certificate> peerChain,
        PeerIdentity identity) {

    /** Facts whose client identity is computed from (or found for) {@code peerChain}; none for an empty one. */
    HandshakeFacts(String protocol, String suite, String serverName, List<X509Certificate> peerChain) {
        this(protocol, suite, serverName, peerChain, PeerIdentity.of(peerChain, null));
    }

    /**
     * @throws SSLPeerUnverifiedException if the client authenticated but its certificates cannot be read:
     *     such a connection must be closed, never forwarded as anonymous
     */
    static HandshakeFacts of(Channel channel, SSLSession session) throws SSLPeerUnverifiedException {
        return of(channel, session, null);
    }

    /**
     * As {@link #of(Channel, SSLSession)}, the ids of the client's certificates sharing their issuer
     * names through {@code registry} (null: not shared).
     */
    static HandshakeFacts of(Channel channel, SSLSession session, LiveConnections registry)
            throws SSLPeerUnverifiedException {
        String protocol = session.getProtocol();
        String suite = session.getCipherSuite();
        if (protocol != null && protocol.startsWith("TLCP")) {
            suite = tlcpName(suite);
        }
        List<X509Certificate> chain = new ArrayList<>(2);
        try {
            for (Certificate certificate : session.getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
        } catch (SSLPeerUnverifiedException none) {
            if (session instanceof TlcpSession tlcp && tlcp.peerAuthenticated()) {
                // Client authentication took place: "no certificate" here would forward the client as
                // anonymous (no CN or serial upstream, never closed on revocation).
                throw new SSLPeerUnverifiedException("client authenticated but its certificates cannot be read");
            }
            // no client certificate: chain stays empty
        }
        List<X509Certificate> peerChain = List.copyOf(chain);
        return new HandshakeFacts(protocol, suite, serverName(channel, session), peerChain,
                PeerIdentity.of(peerChain, registry));
    }

    private static String tlcpName(String javaName) {
        try {
            return TlcpCipherSuite.valueOf(javaName).openSslName();
        } catch (IllegalArgumentException | NullPointerException e) {
            return javaName;
        }
    }

    private static String serverName(Channel channel, SSLSession session) {
        if (channel.hasAttr(Tls13Selection.ATTRIBUTE)) {
            Tls13Selection selection = channel.attr(Tls13Selection.ATTRIBUTE).get();
            if (selection != null) {
                return selection.serverName();
            }
        }
        if (session instanceof ExtendedSSLSession extended) {
            try {
                for (SNIServerName name : extended.getRequestedServerNames()) {
                    if (name instanceof SNIHostName host) {
                        return host.getAsciiName();
                    }
                }
            } catch (UnsupportedOperationException e) {
                // engine without SNI support
            }
        }
        return null;
    }

    /** The client's signing certificate (the first one), or null. */
    X509Certificate signingCertificate() {
        return peerChain.isEmpty() ? null : peerChain.get(0);
    }

    /** The client's end-entity certificates (TLCP: signing and encryption), those a CRL may revoke. */
    List<X509Certificate> endEntityCertificates() {
        return PeerIdentity.endEntityCertificates(peerChain);
    }

    /** The alert a failed handshake sent, as far as the exception tells; {@code handshake_failure} otherwise. */
    static String alertOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateRejectedException rejected) {
                return rejected.reason().alertName();
            }
            if (t instanceof TlcpAlertException alert) {
                return alert.receivedFromPeer() ? null : alert.alert().description();
            }
            if (t instanceof javax.net.ssl.SSLHandshakeException && t.getMessage() != null
                    && t.getMessage().startsWith("Received fatal alert")) {
                return null;
            }
        }
        return "handshake_failure";
    }
}
