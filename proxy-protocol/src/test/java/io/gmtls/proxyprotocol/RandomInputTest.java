package io.gmtls.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Property test without a fuzzing engine: seeded random and mutated input must only ever produce a
 * {@link DecodeResult}; whatever is accepted must survive our own encoder and decode back equal.
 */
class RandomInputTest {

    private static final int ITERATIONS = 15_000;

    private final ProxyHeaderDecoder decoder =
            new ProxyHeaderDecoder(ReceiverSettings.defaults().withMaxHeaderBytes(2048));
    private final ProxyHeaderEncoder encoder = new ProxyHeaderEncoder(
            HeaderOptions.defaults().withMaxHeaderBytes(HeaderOptions.MAX_MAX_HEADER_BYTES));
    private final Map<RejectReason, Integer> reasons = new EnumMap<>(RejectReason.class);
    private int decodedCount;

    @Test
    void randomBytes() {
        SplittableRandom random = new SplittableRandom(0x5eed_0001L);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = new byte[random.nextInt(0, 600)];
            random.nextBytes(input);
            check(input);
        }
        assertThat(reasons).containsKey(RejectReason.NOT_PPV2);
    }

    @Test
    void signaturePlusRandomStructure() {
        SplittableRandom random = new SplittableRandom(0x5eed_0002L);
        int[] versionCommands = {0x20, 0x21, 0x21, 0x21, 0x22, 0x11};
        int[] families = {0x11, 0x11, 0x21, 0x12, 0x00, 0x31};
        for (int i = 0; i < ITERATIONS; i++) {
            RawHeader header = random.nextBoolean() ? RawHeader.tcp4() : RawHeader.empty().raw(randomBytes(random, 36));
            header.versionCommand(versionCommands[random.nextInt(versionCommands.length)])
                    .family(families[random.nextInt(families.length)]);
            int tlvs = random.nextInt(0, 6);
            for (int t = 0; t < tlvs; t++) {
                int type = pickType(random);
                if (type == 0x20) {
                    byte[][] subs = new byte[random.nextInt(0, 4)][];
                    for (int s = 0; s < subs.length; s++) {
                        subs[s] = RawHeader.tlvBytes(pickType(random), randomValue(random));
                    }
                    header.tlv(0x20, RawHeader.sslValue(random.nextInt(256), random.nextInt(), subs));
                } else if (random.nextInt(8) == 0) {
                    header.tlvDeclaring(type, random.nextInt(0, 70), randomValue(random));
                } else {
                    header.tlv(type, randomValue(random));
                }
            }
            if (random.nextInt(10) == 0) {
                header.lengthField(random.nextInt(0, 300));
            }
            check(header.bytes());
        }
        assertThat(decodedCount).isPositive();
        assertThat(reasons).containsKeys(RejectReason.MALFORMED_TLV, RejectReason.INVALID_VALUE, RejectReason.DUPLICATE_TLV);
    }

    @Test
    void mutatedValidHeaders() throws Exception {
        byte[][] seeds = {
            TestData.haproxy("haproxy-send-proxy-v2-ssl-cn.json").header(),
            TestData.haproxy("haproxy-send-proxy-v2-full.json").header(),
            RawHeader.tcp4().tlv(0x02, "gw.example").tlv(0x05, "id-1")
                    .tlv(0x20, RawHeader.sslValue(7, 0, RawHeader.tlvBytes(0x21, "TLCPv1.1"),
                            RawHeader.tlvBytes(0x22, "LSVTEST0000000001"), RawHeader.tlvBytes(0x23, "ECC-SM2-SM4-GCM-SM3")))
                    .tlv(0xE0, "da9c0d655617057c").bytes()
        };
        SplittableRandom random = new SplittableRandom(0x5eed_0003L);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] seed = seeds[random.nextInt(seeds.length)];
            byte[] input = Arrays.copyOf(seed, seed.length + (random.nextInt(4) == 0 ? random.nextInt(-20, 20) : 0));
            int edits = random.nextInt(1, 4);
            for (int e = 0; e < edits && input.length > 0; e++) {
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            check(input);
        }
        assertThat(decodedCount).isPositive();
        assertThat(reasons).containsKeys(RejectReason.CRC32C_MISMATCH, RejectReason.MALFORMED_TLV);
    }

    private void check(byte[] input) {
        DecodeResult result = decoder.decode(input);
        assertThat(result).isNotNull();
        if (result instanceof DecodeResult.Decoded decoded) {
            decodedCount++;
            assertThat(decoded.headerLength()).isBetween(28, input.length);
            ConnectionFacts again = ((DecodeResult.Decoded) decoder.decode(encoder.encode(decoded.facts()).bytes())).facts();
            assertThat(again).isEqualTo(decoded.facts());
        } else {
            DecodeResult.Rejected rejected = (DecodeResult.Rejected) result;
            assertThat(rejected.message()).isNotBlank();
            // The catch-all fallbacks mean our own checks missed something Netty or the JDK tripped over.
            assertThat(rejected.message()).as(rejected.toString())
                    .doesNotStartWith("header could not be decoded")
                    .doesNotStartWith("Netty's PPv2 decoder refused");
            reasons.merge(rejected.reason(), 1, Integer::sum);
        }
    }

    private static int pickType(SplittableRandom random) {
        int[] types = {0x01, 0x02, 0x03, 0x04, 0x05, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x30, 0xE0, 0xE1, 0xE2, 0xEF};
        return random.nextInt(5) == 0 ? random.nextInt(256) : types[random.nextInt(types.length)];
    }

    private static byte[] randomValue(SplittableRandom random) {
        int kind = random.nextInt(4);
        if (kind == 0) {
            return randomBytes(random, random.nextInt(0, 40));
        }
        String[] texts = {"TLSv1.3", "LSVTEST0000000001", "ECC-SM2-SM4-GCM-SM3", "da9c0d655617057c",
            "CN=Root,O=X,C=CN", "", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"};
        return texts[random.nextInt(texts.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
