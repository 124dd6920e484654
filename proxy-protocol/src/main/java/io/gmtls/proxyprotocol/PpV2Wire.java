package io.gmtls.proxyprotocol;

import java.util.zip.CRC32C;

/**
 * Wire constants of PROXY protocol v2 (haproxy {@code doc/proxy-protocol.txt}, section 2.2):
 *
 * <pre>
 * struct proxy_hdr_v2 {
 *     uint8_t sig[12];  // \x0D \x0A \x0D \x0A \x00 \x0D \x0A \x51 \x55 \x49 \x54 \x0A
 *     uint8_t ver_cmd;  // protocol version (high nibble, 2) and command (low nibble: 0 LOCAL, 1 PROXY)
 *     uint8_t fam;      // address family (high nibble) and transport (low nibble)
 *     uint16_t len;     // number of following bytes: address block, then TLVs (network order)
 * };
 * union proxy_addr {
 *     struct { uint32_t src_addr, dst_addr; uint16_t src_port, dst_port; } ipv4_addr;        // 12 bytes
 *     struct { uint8_t src_addr[16], dst_addr[16]; uint16_t src_port, dst_port; } ipv6_addr; // 36 bytes
 * };
 * struct pp2_tlv { uint8_t type; uint8_t length_hi; uint8_t length_lo; uint8_t value[0]; };
 * struct pp2_tlv_ssl { uint8_t client; uint32_t verify; struct pp2_tlv sub_tlv[0]; };
 * </pre>
 */
final class PpV2Wire {

    static final byte[] SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
    };
    static final byte[] V1_PREFIX = {'P', 'R', 'O', 'X', 'Y'};

    static final int FIXED_LENGTH = 16;
    static final int VERSION_COMMAND_OFFSET = 12;
    static final int FAMILY_OFFSET = 13;
    static final int LENGTH_OFFSET = 14;

    static final int VERSION_2 = 0x20;
    static final int COMMAND_LOCAL = 0x0;
    static final int COMMAND_PROXY = 0x1;

    static final int TCP_OVER_IPV4 = 0x11;
    static final int TCP_OVER_IPV6 = 0x21;
    static final int IPV4_ADDRESS_BLOCK = 12;
    static final int IPV6_ADDRESS_BLOCK = 36;

    static final int TLV_HEADER = 3;
    /** {@code pp2_tlv_ssl}: one byte of client flags and four of verify result before the sub-TLVs. */
    static final int SSL_FIXED = 5;
    static final int CRC32C_LENGTH = 4;

    private PpV2Wire() {
    }

    /**
     * CRC32C (Castagnoli, RFC 4960 appendix B) of a whole header whose checksum field is already
     * zeroed. The JDK's {@link CRC32C} is this exact algorithm; Netty has none.
     */
    static int crc32c(byte[] header) {
        CRC32C crc = new CRC32C();
        crc.update(header, 0, header.length);
        return (int) crc.getValue();
    }
}
