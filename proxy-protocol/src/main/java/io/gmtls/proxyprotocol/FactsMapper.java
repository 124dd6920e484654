package io.gmtls.proxyprotocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.util.NetUtil;

/**
 * Maps a decoded Netty {@link HAProxyMessage} to {@link ConnectionFacts}: typed SSL sub-TLVs
 * 0x21..0x25 (Netty types 0x23..0x25 as {@code OTHER}), our 0xE0..0xE2, values checked against
 * {@link TlvType}. Netty's {@code tlvs()} lists each SSL TLV followed by its sub-TLVs; the
 * sub-TLVs are told apart by identity so a sub-type is never read as a top-level one.
 */
final class FactsMapper {

    private FactsMapper() {
    }

    /** @throws HeaderRejection with {@link RejectReason#INVALID_VALUE} for a value outside the schema */
    static ConnectionFacts map(HAProxyMessage message) throws HeaderRejection {
        InetSocketAddress source = address(message.sourceAddress(), message.sourcePort(), "source");
        InetSocketAddress destination = address(message.destinationAddress(), message.destinationPort(), "destination");

        Set<HAProxyTLV> nested = Collections.newSetFromMap(new IdentityHashMap<>());
        for (HAProxyTLV tlv : message.tlvs()) {
            if (tlv instanceof HAProxySSLTLV ssl) {
                nested.addAll(ssl.encapsulatedTLVs());
            }
        }
        Optional<TlsFacts> tls = Optional.empty();
        Optional<String> authority = Optional.empty();
        Optional<ConnectionId> uniqueId = Optional.empty();
        Optional<String> serial = Optional.empty();
        Optional<String> fingerprint = Optional.empty();
        Optional<String> issuer = Optional.empty();
        try {
            for (HAProxyTLV tlv : message.tlvs()) {
                if (nested.contains(tlv)) {
                    continue;
                }
                Optional<TlvType> type = TlvType.forCode(tlv.typeByteValue() & 0xFF);
                if (type.isEmpty()) {
                    continue;
                }
                switch (type.get()) {
                    case SSL -> tls = Optional.of(tls((HAProxySSLTLV) tlv));
                    case AUTHORITY -> authority = text(TlvType.AUTHORITY, tlv);
                    case UNIQUE_ID -> {
                        byte[] id = bytes(tlv);
                        uniqueId = id.length == 0 ? Optional.empty() : Optional.of(ConnectionId.of(id));
                    }
                    case CERT_SERIAL -> serial = text(TlvType.CERT_SERIAL, tlv);
                    case CERT_SM3_FINGERPRINT -> fingerprint = text(TlvType.CERT_SM3_FINGERPRINT, tlv);
                    case CERT_ISSUER_DN -> issuer = text(TlvType.CERT_ISSUER_DN, tlv);
                    default -> {
                        // CRC32C was verified on the raw bytes; sub-types cannot be here (checked by HeaderStructure).
                    }
                }
            }
            return new ConnectionFacts(source, destination, tls, authority, uniqueId, serial, fingerprint, issuer);
        } catch (IllegalArgumentException e) {
            throw new HeaderRejection(RejectReason.INVALID_VALUE, e.getMessage());
        }
    }

    private static TlsFacts tls(HAProxySSLTLV ssl) {
        Optional<String> version = Optional.empty();
        Optional<String> cn = Optional.empty();
        Optional<String> cipher = Optional.empty();
        Optional<String> sigAlg = Optional.empty();
        Optional<String> keyAlg = Optional.empty();
        List<HAProxyTLV> sub = ssl.encapsulatedTLVs();
        for (HAProxyTLV tlv : sub) {
            Optional<TlvType> type = TlvType.forCode(tlv.typeByteValue() & 0xFF);
            if (type.isEmpty()) {
                continue;
            }
            switch (type.get()) {
                case SSL_VERSION -> version = text(TlvType.SSL_VERSION, tlv);
                case SSL_CN -> cn = text(TlvType.SSL_CN, tlv);
                case SSL_CIPHER -> cipher = text(TlvType.SSL_CIPHER, tlv);
                case SSL_SIG_ALG -> sigAlg = text(TlvType.SSL_SIG_ALG, tlv);
                case SSL_KEY_ALG -> keyAlg = text(TlvType.SSL_KEY_ALG, tlv);
                default -> {
                    // top-level types inside SSL were refused by HeaderStructure
                }
            }
        }
        return new TlsFacts(ssl.client() & 0xFF, ssl.verify(), version, cn, cipher, sigAlg, keyAlg);
    }

    /** A zero-length value reads as absent (HAProxy sends an empty unique id when it has none). */
    private static Optional<String> text(TlvType type, HAProxyTLV tlv) {
        byte[] raw = bytes(tlv);
        return raw.length == 0 ? Optional.empty() : Optional.of(type.decodeText(raw));
    }

    private static byte[] bytes(HAProxyTLV tlv) {
        return ByteBufUtil.getBytes(tlv.content());
    }

    private static InetSocketAddress address(String text, int port, String field) throws HeaderRejection {
        byte[] raw = NetUtil.createByteArrayFromIpAddressString(text);
        if (raw == null) {
            throw new HeaderRejection(RejectReason.INVALID_VALUE, field + " address is not an IP address");
        }
        try {
            // An IPv4-mapped IPv6 address becomes an Inet4Address here, as the JDK does everywhere.
            return new InetSocketAddress(InetAddress.getByAddress(raw), port);
        } catch (UnknownHostException e) {
            throw new HeaderRejection(RejectReason.INVALID_VALUE, field + " address has a bad length");
        }
    }
}
