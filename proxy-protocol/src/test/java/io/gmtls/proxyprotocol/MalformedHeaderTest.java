package io.gmtls.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import org.junit.jupiter.api.Test;

/** Hostile and broken headers come back as rejections with a reason, never as exceptions. */
class MalformedHeaderTest {

    private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder(ReceiverSettings.defaults());

    private DecodeResult.Rejected rejected(byte[] bytes, RejectReason reason) {
        DecodeResult result = decoder.decode(bytes);
        assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
        DecodeResult.Rejected rejected = (DecodeResult.Rejected) result;
        assertThat(rejected.reason()).as(rejected.message()).isEqualTo(reason);
        assertThat(rejected.message()).isNotBlank();
        return rejected;
    }

    private static byte[] sslCn() throws Exception {
        return TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json").header();
    }

    private static byte[] full() throws Exception {
        return TestData.haproxy("haproxy-send-proxy-v2-full.json").header();
    }

    @Test
    void badSignature() throws Exception {
        byte[] header = sslCn();
        header[3] ^= 0x01;
        rejected(header, RejectReason.NOT_PPV2);
        rejected("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), RejectReason.NOT_PPV2);
        rejected(new byte[] {0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0, 0, 0, 0}, RejectReason.NOT_PPV2);
    }

    @Test
    void v1TextHeader() {
        rejected("PROXY TCP4 192.0.2.1 192.0.2.2 51234 8883\r\n".getBytes(StandardCharsets.US_ASCII),
                RejectReason.PPV1_TEXT);
    }

    @Test
    void truncatedHeaders() throws Exception {
        byte[] header = full();
        for (int cut : new int[] {0, 1, 11, 12, 15, 16, 40, header.length - 1}) {
            rejected(Arrays.copyOf(header, cut), RejectReason.TRUNCATED);
        }
        assertThat(decoder.decode((byte[]) null)).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(decoder.decode((io.netty.buffer.ByteBuf) null)).isInstanceOf(DecodeResult.Rejected.class);
    }

    @Test
    void oversizeHeaderIsRefusedFromItsLengthField() throws Exception {
        // Only the 16 fixed bytes: the length field alone is enough to refuse.
        byte[] fixedPart = RawHeader.empty().lengthField(0xFFFF).bytes();
        assertThat(fixedPart).hasSize(16);
        rejected(fixedPart, RejectReason.TOO_LARGE);

        // A well-formed 501-byte header (padded with an unknown TLV): refused at 500, read at 600.
        byte[] big = RawHeader.tcp4().tlv(0x04, new byte[501 - 16 - 12 - 3]).bytes();
        assertThat(big).hasSize(501);
        assertThat(rejected(big, RejectReason.TOO_LARGE).message()).contains("501").contains("500");
        assertThat(new ProxyHeaderDecoder(ReceiverSettings.defaults().withMaxHeaderBytes(600)).decode(big))
                .isInstanceOf(DecodeResult.Decoded.class);
    }

    @Test
    void tlvLengthPastTheEndIsRejectedWhereNettyWouldThrow() {
        byte[] header = RawHeader.tcp4().tlvDeclaring(0x02, 50, "short".getBytes(StandardCharsets.US_ASCII)).bytes();

        assertThat(rejected(header, RejectReason.MALFORMED_TLV).message())
                .contains("0x02").contains("declares 50 bytes").contains("only 5 remain");

        // What this layer guards against: Netty's own decoder throws on these bytes.
        EmbeddedChannel netty = new EmbeddedChannel(new HAProxyMessageDecoder());
        assertThatThrownBy(() -> netty.writeInbound(Unpooled.wrappedBuffer(header)))
                .hasRootCauseInstanceOf(IndexOutOfBoundsException.class);
        netty.finishAndReleaseAll();
    }

    @Test
    void nestedTlvOverflowingSsl() {
        byte[] overflowingCn = RawHeader.tlvBytes(0x22, "LSVTEST0000000002");
        overflowingCn[2] = 40; // declares 40 bytes, 17 follow inside the SSL TLV
        byte[] header = RawHeader.tcp4().tlv(0x20, RawHeader.sslValue(7, 0, overflowingCn)).bytes();

        assertThat(rejected(header, RejectReason.MALFORMED_TLV).message()).contains("PP2_TYPE_SSL").contains("0x22");
    }

    @Test
    void malformedSslTlvs() {
        rejected(RawHeader.tcp4().tlv(0x20, new byte[] {7, 0, 0}).bytes(), RejectReason.MALFORMED_TLV);
        byte[] nestedSsl = RawHeader.tlvBytes(0x20, RawHeader.sslValue(7, 0));
        rejected(RawHeader.tcp4().tlv(0x20, RawHeader.sslValue(7, 0, nestedSsl)).bytes(), RejectReason.MALFORMED_TLV);
        byte[] crcInside = RawHeader.tlvBytes(0x03, new byte[4]);
        rejected(RawHeader.tcp4().tlv(0x20, RawHeader.sslValue(7, 0, crcInside)).bytes(), RejectReason.MALFORMED_TLV);
        byte[] twoBytesLeft = RawHeader.sslValue(7, 0, RawHeader.tlvBytes(0x21, "TLSv1.3"), new byte[] {0x22, 0});
        rejected(RawHeader.tcp4().tlv(0x20, twoBytesLeft).bytes(), RejectReason.MALFORMED_TLV);
    }

    @Test
    void badCrc32c() throws Exception {
        byte[] changedCn = full();
        changedCn[changedCn.length - 30] ^= 0x20; // a byte inside the SSL TLV
        assertThat(rejected(changedCn, RejectReason.CRC32C_MISMATCH).message()).contains("0x75d3ae2d");

        byte[] changedCrc = full();
        changedCrc[31] ^= 0x01; // CRC value at 16 + 12 + 3
        rejected(changedCrc, RejectReason.CRC32C_MISMATCH);

        rejected(RawHeader.tcp4().tlv(0x03, new byte[3]).bytes(), RejectReason.MALFORMED_TLV);
    }

    @Test
    void commandsVersionsAndFamilies() {
        rejected(RawHeader.tcp4().versionCommand(0x20).bytes(), RejectReason.LOCAL_COMMAND);
        rejected(RawHeader.tcp4().versionCommand(0x22).bytes(), RejectReason.UNSUPPORTED_COMMAND);
        rejected(RawHeader.tcp4().versionCommand(0x11).bytes(), RejectReason.UNSUPPORTED_VERSION);
        rejected(RawHeader.tcp4().family(0x12).bytes(), RejectReason.UNSUPPORTED_ADDRESS_FAMILY);
        rejected(RawHeader.tcp4().family(0x31).bytes(), RejectReason.UNSUPPORTED_ADDRESS_FAMILY);
        rejected(RawHeader.empty().family(0x00).bytes(), RejectReason.UNSUPPORTED_ADDRESS_FAMILY);
        rejected(RawHeader.tcp4().family(0x21).bytes(), RejectReason.MALFORMED_LENGTH);
        rejected(RawHeader.empty().raw(new byte[5]).bytes(), RejectReason.MALFORMED_LENGTH);
    }

    @Test
    void trailingBytesTooShortForATlv() {
        rejected(RawHeader.tcp4().raw((byte) 0x02, (byte) 0x00).bytes(), RejectReason.MALFORMED_TLV);
    }

    @Test
    void duplicatesAndMisplacedTlvs() {
        byte[] cn = RawHeader.tlvBytes(0x22, "LSVTEST0000000002");
        rejected(RawHeader.tcp4().tlv(0x20, RawHeader.sslValue(7, 0, cn, cn)).bytes(), RejectReason.DUPLICATE_TLV);
        rejected(RawHeader.tcp4().tlv(0x02, "a.example").tlv(0x02, "b.example").bytes(), RejectReason.DUPLICATE_TLV);
        rejected(RawHeader.tcp4().tlv(0x20, RawHeader.sslValue(7, 0)).tlv(0x20, RawHeader.sslValue(7, 0)).bytes(),
                RejectReason.DUPLICATE_TLV);
        // A CN outside PP2_TYPE_SSL must not be read as the client's CN.
        rejected(RawHeader.tcp4().tlv(0x22, "LSVTEST0000000002").bytes(), RejectReason.MALFORMED_TLV);
        rejected(RawHeader.tcp4().tlv(0x05, new byte[129]).bytes(), RejectReason.MALFORMED_TLV);
    }

    @Test
    void valuesOutsideTheSchema() {
        byte[] badUtf8 = RawHeader.tlvBytes(0x22, new byte[] {'A', (byte) 0xC3, 0x28});
        rejected(RawHeader.tcp4().tlv(0x20, RawHeader.sslValue(7, 0, badUtf8)).bytes(), RejectReason.INVALID_VALUE);
        byte[] newlineCn = RawHeader.tlvBytes(0x22, "LSVTEST\nadmin");
        assertThat(rejected(RawHeader.tcp4().tlv(0x20, RawHeader.sslValue(7, 0, newlineCn)).bytes(),
                RejectReason.INVALID_VALUE).message()).contains("SSL_CN").doesNotContain("admin");
        byte[] spacedCipher = RawHeader.tlvBytes(0x23, "ECC SM4");
        rejected(RawHeader.tcp4().tlv(0x20, RawHeader.sslValue(7, 0, spacedCipher)).bytes(), RejectReason.INVALID_VALUE);
        rejected(RawHeader.tcp4().tlv(0xE0, "0A1B").bytes(), RejectReason.INVALID_VALUE);
        rejected(RawHeader.tcp4().tlv(0xE1, "abcd").bytes(), RejectReason.INVALID_VALUE);
    }

    @Test
    void unknownTlvsAndAlpnAreSkipped() throws Exception {
        byte[] header = RawHeader.tcp4()
                .tlv(0x01, "mqtt")
                .tlv(0x04, new byte[10])
                .tlv(0xE7, "not registered")
                .tlv(0xF0, new byte[] {1, 2, 3})
                .tlv(0x20, RawHeader.sslValue(7, 0, RawHeader.tlvBytes(0x22, "LSVTEST0000000002"),
                        RawHeader.tlvBytes(0x2F, "unknown sub")))
                .bytes();

        DecodeResult result = decoder.decode(header);

        assertThat(result).isInstanceOfSatisfying(DecodeResult.Decoded.class,
                d -> assertThat(d.facts().commonName()).contains("LSVTEST0000000002"));
    }
}
