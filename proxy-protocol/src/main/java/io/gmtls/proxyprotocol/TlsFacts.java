package io.gmtls.proxyprotocol;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code PP2_TYPE_SSL} says about the client's TLS/TLCP session: the client flags, the verify
 * result and the sub-TLVs 0x21..0x25.
 *
 * @param clientFlags        bit field of {@link #CLIENT_SSL}, {@link #CLIENT_CERT_CONN}, {@link #CLIENT_CERT_SESS} (0..255)
 * @param verifyResult       certificate verification result, {@code 0} only when the client chain verified
 *                           (sent as an unsigned 32-bit value)
 * @param protocol           protocol version, e.g. {@code TLCPv1.1}, {@code TLSv1.3} (0x21)
 * @param commonName         CN of the client's signing certificate (0x22)
 * @param cipher             cipher suite name, e.g. {@code ECC-SM2-SM4-GCM-SM3}, {@code TLS_SM4_GCM_SM3} (0x23)
 * @param signatureAlgorithm signature algorithm of the client certificate, e.g. {@code SM2-with-SM3} (0x24)
 * @param keyAlgorithm       key algorithm of the client certificate, e.g. {@code SM2}, {@code EC256} (0x25)
 */
public record TlsFacts(
        int clientFlags,
        int verifyResult,
        Optional<String> protocol,
        Optional<String> commonName,
        Optional<String> cipher,
        Optional<String> signatureAlgorithm,
        Optional<String> keyAlgorithm) {

    /** {@code PP2_CLIENT_SSL}: the client connected over SSL/TLS/TLCP. */
    public static final int CLIENT_SSL = 0x01;
    /** {@code PP2_CLIENT_CERT_CONN}: the client presented a certificate on this connection. */
    public static final int CLIENT_CERT_CONN = 0x02;
    /** {@code PP2_CLIENT_CERT_SESS}: the client presented a certificate at least once in this TLS session. */
    public static final int CLIENT_CERT_SESS = 0x04;

    /** Validates every field against the TLV schema. */
    public TlsFacts {
        if (clientFlags < 0 || clientFlags > 0xFF) {
            throw new IllegalArgumentException("clientFlags must fit one byte, was " + clientFlags);
        }
        checkOptional(protocol, TlvType.SSL_VERSION, "protocol");
        checkOptional(commonName, TlvType.SSL_CN, "commonName");
        checkOptional(cipher, TlvType.SSL_CIPHER, "cipher");
        checkOptional(signatureAlgorithm, TlvType.SSL_SIG_ALG, "signatureAlgorithm");
        checkOptional(keyAlgorithm, TlvType.SSL_KEY_ALG, "keyAlgorithm");
    }

    static void checkOptional(Optional<String> value, TlvType type, String field) {
        Objects.requireNonNull(value, field);
        value.ifPresent(type::checkText);
    }

    /** {@code true} when the connection used SSL/TLS/TLCP ({@link #CLIENT_SSL}). */
    public boolean clientSsl() {
        return (clientFlags & CLIENT_SSL) != 0;
    }

    /** {@code true} when the client presented a certificate on this connection ({@link #CLIENT_CERT_CONN}). */
    public boolean certificateOnConnection() {
        return (clientFlags & CLIENT_CERT_CONN) != 0;
    }

    /** {@code true} when the client presented a certificate in this session ({@link #CLIENT_CERT_SESS}). */
    public boolean certificateInSession() {
        return (clientFlags & CLIENT_CERT_SESS) != 0;
    }

    /**
     * {@code true} only when a client certificate was presented (on this connection or in its
     * session) and the verify result is 0. A verify result of 0 alone proves nothing: without a
     * client certificate there was nothing to verify.
     */
    public boolean clientCertificateVerified() {
        return verifyResult == 0 && (certificateOnConnection() || certificateInSession());
    }

    @Override
    public String toString() {
        return "TlsFacts[client=0x" + Integer.toHexString(clientFlags)
                + ", verify=" + Integer.toUnsignedString(verifyResult)
                + protocol.map(v -> ", protocol=" + v).orElse("")
                + commonName.map(v -> ", cn=" + v).orElse("")
                + cipher.map(v -> ", cipher=" + v).orElse("")
                + signatureAlgorithm.map(v -> ", sigAlg=" + v).orElse("")
                + keyAlgorithm.map(v -> ", keyAlg=" + v).orElse("")
                + "]";
    }
}
