package io.gmtls.proxyprotocol;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.util.NetUtil;

/**
 * Encodes {@link ConnectionFacts} into one PPv2 header for an upstream group's {@link HeaderOptions}.
 *
 * <p>Netty's {@link HAProxyMessage} and encoder write the header, addresses and TLVs; this class
 * decides which TLVs go in, builds the SSL sub-TLVs Netty has no types for, and fills in the CRC32C
 * (computed over the whole header with the checksum field zeroed, as the PPv2 specification says).
 * Every call builds a fresh message: re-encoding a decoded {@code HAProxyMessage} would write the SSL
 * sub-TLVs twice, because decoding flattens them into {@code tlvs()}.
 *
 * <p>TLV order follows HAProxy 2.6 ({@code CRC32C, AUTHORITY, UNIQUE_ID, SSL{VERSION, CN, KEY_ALG,
 * SIG_ALG, CIPHER}}), then our 0xE0..0xE2, so that for the same facts our header is byte-identical to
 * HAProxy's. As HAProxy does, the {@code unique-id} option writes an empty {@code PP2_TYPE_UNIQUE_ID}
 * when the facts have no id.
 *
 * <p>Thread-safe and stateless.
 */
public final class ProxyHeaderEncoder {

    private final HeaderOptions options;

    /** Makes an encoder for one upstream group's options. */
    public ProxyHeaderEncoder(HeaderOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The options this encoder writes with. */
    public HeaderOptions options() {
        return options;
    }

    /**
     * Encodes the facts.
     *
     * @throws HeaderTooLargeException if the fields that are never left out do not fit under the cap
     */
    public EncodedHeader encode(ConnectionFacts facts) {
        Objects.requireNonNull(facts, "facts");
        boolean ipv4 = facts.source().getAddress() instanceof Inet4Address
                && facts.destination().getAddress() instanceof Inet4Address;

        int size = PpV2Wire.FIXED_LENGTH + (ipv4 ? PpV2Wire.IPV4_ADDRESS_BLOCK : PpV2Wire.IPV6_ADDRESS_BLOCK);
        if (options.crc32c()) {
            size += PpV2Wire.TLV_HEADER + PpV2Wire.CRC32C_LENGTH;
        }
        TlsFacts tls = facts.tls().orElse(null);
        byte[] commonName = null;
        if (tls != null) {
            size += PpV2Wire.TLV_HEADER + PpV2Wire.SSL_FIXED;
            if (tls.commonName().isPresent()) {
                commonName = TlvType.SSL_CN.encodeText(tls.commonName().get());
                size += PpV2Wire.TLV_HEADER + commonName.length;
            }
        }
        if (size > options.maxHeaderBytes()) {
            throw new HeaderTooLargeException(size, options.maxHeaderBytes());
        }

        Map<OptionalTlv, byte[]> kept = new EnumMap<>(OptionalTlv.class);
        Set<OptionalTlv> leftOut = EnumSet.noneOf(OptionalTlv.class);
        for (OptionalTlv option : OptionalTlv.values()) {
            if (!options.include().contains(option)) {
                continue;
            }
            byte[] value = valueOf(option, facts, tls);
            if (value == null) {
                continue;
            }
            int need = PpV2Wire.TLV_HEADER + value.length;
            if (size + need <= options.maxHeaderBytes()) {
                kept.put(option, value);
                size += need;
            } else {
                leftOut.add(option);
            }
        }

        List<HAProxyTLV> tlvs = new ArrayList<>();
        if (options.crc32c()) {
            tlvs.add(tlv(TlvType.CRC32C, new byte[PpV2Wire.CRC32C_LENGTH]));
        }
        addIfKept(tlvs, kept, OptionalTlv.AUTHORITY);
        addIfKept(tlvs, kept, OptionalTlv.UNIQUE_ID);
        if (tls != null) {
            List<HAProxyTLV> sub = new ArrayList<>();
            addIfKept(sub, kept, OptionalTlv.SSL_VERSION);
            if (commonName != null) {
                sub.add(tlv(TlvType.SSL_CN, commonName));
            }
            addIfKept(sub, kept, OptionalTlv.CERT_KEY_ALG);
            addIfKept(sub, kept, OptionalTlv.CERT_SIG_ALG);
            addIfKept(sub, kept, OptionalTlv.SSL_CIPHER);
            tlvs.add(new HAProxySSLTLV(tls.verifyResult(), (byte) tls.clientFlags(), sub));
        }
        addIfKept(tlvs, kept, OptionalTlv.CERT_SERIAL);
        addIfKept(tlvs, kept, OptionalTlv.CERT_SM3_FINGERPRINT);
        addIfKept(tlvs, kept, OptionalTlv.CERT_ISSUER);

        HAProxyMessage message = new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                addressString(facts.source().getAddress(), ipv4), addressString(facts.destination().getAddress(), ipv4),
                facts.source().getPort(), facts.destination().getPort(), tlvs);
        byte[] header = NettyHeaderCodec.encode(message, size);
        if (header.length != size) {
            throw new IllegalStateException("encoded PPv2 header is " + header.length + " bytes, planned " + size);
        }
        if (options.crc32c()) {
            int crcOffset = PpV2Wire.FIXED_LENGTH + (ipv4 ? PpV2Wire.IPV4_ADDRESS_BLOCK : PpV2Wire.IPV6_ADDRESS_BLOCK)
                    + PpV2Wire.TLV_HEADER;
            int crc = PpV2Wire.crc32c(header);
            header[crcOffset] = (byte) (crc >>> 24);
            header[crcOffset + 1] = (byte) (crc >>> 16);
            header[crcOffset + 2] = (byte) (crc >>> 8);
            header[crcOffset + 3] = (byte) crc;
        }
        return new EncodedHeader(header, leftOut);
    }

    /** The value bytes of an optional TLV, or {@code null} when the facts have none. */
    private static byte[] valueOf(OptionalTlv option, ConnectionFacts facts, TlsFacts tls) {
        return switch (option) {
            case CERT_SERIAL -> text(TlvType.CERT_SERIAL, facts.certificateSerial().orElse(null));
            case SSL_VERSION -> tls == null ? null : text(TlvType.SSL_VERSION, tls.protocol().orElse(null));
            // HAProxy writes the TLV even without an id: so do we, for byte-identical headers.
            case UNIQUE_ID -> facts.uniqueId().map(ConnectionId::bytes).orElse(new byte[0]);
            case CERT_SM3_FINGERPRINT -> text(TlvType.CERT_SM3_FINGERPRINT, facts.certificateSm3Fingerprint().orElse(null));
            case AUTHORITY -> text(TlvType.AUTHORITY, facts.authority().orElse(null));
            case SSL_CIPHER -> tls == null ? null : text(TlvType.SSL_CIPHER, tls.cipher().orElse(null));
            case CERT_KEY_ALG -> tls == null ? null : text(TlvType.SSL_KEY_ALG, tls.keyAlgorithm().orElse(null));
            case CERT_SIG_ALG -> tls == null ? null : text(TlvType.SSL_SIG_ALG, tls.signatureAlgorithm().orElse(null));
            case CERT_ISSUER -> text(TlvType.CERT_ISSUER_DN, facts.certificateIssuer().orElse(null));
        };
    }

    private static byte[] text(TlvType type, String value) {
        return value == null ? null : type.encodeText(value);
    }

    private static void addIfKept(List<HAProxyTLV> tlvs, Map<OptionalTlv, byte[]> kept, OptionalTlv option) {
        byte[] value = kept.get(option);
        if (value != null) {
            tlvs.add(tlv(option.type(), value));
        }
    }

    private static HAProxyTLV tlv(TlvType type, byte[] value) {
        return new HAProxyTLV((byte) type.code(), Unpooled.wrappedBuffer(value));
    }

    /**
     * Netty wants address strings. With mixed families (an IPv4 client on a dual-stack listener),
     * IPv4 addresses go as IPv4-mapped IPv6, as HAProxy does.
     */
    private static String addressString(InetAddress address, boolean ipv4) {
        if (ipv4 || address.getAddress().length == 16) {
            return NetUtil.toAddressString(address);
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
        return NetUtil.bytesToIpAddress(mapped);
    }
}
