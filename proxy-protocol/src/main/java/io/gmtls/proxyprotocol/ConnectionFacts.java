package io.gmtls.proxyprotocol;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The facts a gateway passes to a broker in one PPv2 header (see the "PPv2 TLV schema" of the
 * design): the client's and the gateway's addresses, the TLS/TLCP facts of {@code PP2_TYPE_SSL},
 * the SNI, the connection id and our custom certificate TLVs. Immutable; every value is validated
 * against {@link TlvType} so that anything that can be built can be encoded and decoded back equal.
 *
 * <p>A zero-length TLV on the wire reads as an absent value (HAProxy sends an empty
 * {@code PP2_TYPE_UNIQUE_ID} when it has no id), so no field here holds an empty value.
 *
 * @param source                    the client's address and port (IPv4 or IPv6, resolved)
 * @param destination               the address and port the client connected to
 * @param tls                       the {@code PP2_TYPE_SSL} facts, absent for a plain TCP client
 * @param authority                 SNI host name ({@code PP2_TYPE_AUTHORITY})
 * @param uniqueId                  the gateway's connection id ({@code PP2_TYPE_UNIQUE_ID})
 * @param certificateSerial         0xE0: signing certificate serial, lowercase hex of the unsigned value
 * @param certificateSm3Fingerprint 0xE1: SM3 of the signing certificate's DER, lowercase hex
 * @param certificateIssuer         0xE2: issuer DN of the signing certificate, RFC 4514
 */
public record ConnectionFacts(
        InetSocketAddress source,
        InetSocketAddress destination,
        Optional<TlsFacts> tls,
        Optional<String> authority,
        Optional<ConnectionId> uniqueId,
        Optional<String> certificateSerial,
        Optional<String> certificateSm3Fingerprint,
        Optional<String> certificateIssuer) {

    /** Validates addresses and every value against the TLV schema. */
    public ConnectionFacts {
        checkAddress(source, "source");
        checkAddress(destination, "destination");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(uniqueId, "uniqueId");
        TlsFacts.checkOptional(authority, TlvType.AUTHORITY, "authority");
        TlsFacts.checkOptional(certificateSerial, TlvType.CERT_SERIAL, "certificateSerial");
        TlsFacts.checkOptional(certificateSm3Fingerprint, TlvType.CERT_SM3_FINGERPRINT, "certificateSm3Fingerprint");
        TlsFacts.checkOptional(certificateIssuer, TlvType.CERT_ISSUER_DN, "certificateIssuer");
    }

    private static void checkAddress(InetSocketAddress address, String field) {
        Objects.requireNonNull(address, field);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(field + " must be an IP address, not an unresolved host name");
        }
    }

    /** Starts a builder; see {@link ConnectionFactsBuilder}. */
    public static ConnectionFactsBuilder builder() {
        return new ConnectionFactsBuilder();
    }

    /** The CN of the client's signing certificate, if the header carried one. */
    public Optional<String> commonName() {
        return tls.flatMap(TlsFacts::commonName);
    }

    /** {@code true} only when a client certificate was presented and verified; see {@link TlsFacts#clientCertificateVerified()}. */
    public boolean clientCertificateVerified() {
        return tls.map(TlsFacts::clientCertificateVerified).orElse(false);
    }

    @Override
    public String toString() {
        return "ConnectionFacts[" + source + " -> " + destination
                + tls.map(t -> ", " + t).orElse("")
                + authority.map(v -> ", authority=" + v).orElse("")
                + uniqueId.map(v -> ", uniqueId=" + v).orElse("")
                + certificateSerial.map(v -> ", serial=" + v).orElse("")
                + certificateSm3Fingerprint.map(v -> ", sm3=" + v).orElse("")
                + certificateIssuer.map(v -> ", issuer=" + v).orElse("")
                + "]";
    }
}
