package io.gmtls.brokeradapter.gate;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Cuts the broker's byte stream into whole MQTT packets, left undecoded. Used only when the gate
 * enforces an ACL: it then answers some client packets itself (PUBACK, SUBACK), and those must land
 * between the broker's packets, never inside one. Netty's {@code MqttDecoder} would also find the
 * boundaries but decodes (and would re-encode) every packet on the way.
 *
 * <pre>
 * fixed header: byte 1 = type and flags; remaining length = 1..4 bytes, 7 bits each, low first,
 *               bit 7 = "more" (MQTT 3.1.1 §2.2.3, MQTT 5 §1.5.5)
 * </pre>
 */
final class MqttFrameDecoder extends ByteToMessageDecoder {

    private final int maxPacketBytes;

    MqttFrameDecoder(int maxPacketBytes) {
        this.maxPacketBytes = maxPacketBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int remaining = 0;
            int lengthBytes = 0;
            boolean complete = false;
            while (lengthBytes < 4) {
                if (in.readableBytes() < 2 + lengthBytes) {
                    return;
                }
                int b = in.getUnsignedByte(start + 1 + lengthBytes);
                remaining |= (b & 0x7F) << (7 * lengthBytes);
                lengthBytes++;
                if ((b & 0x80) == 0) {
                    complete = true;
                    break;
                }
            }
            if (!complete) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("MQTT remaining length longer than 4 bytes");
            }
            long packet = 1L + lengthBytes + remaining;
            if (packet > maxPacketBytes) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("MQTT packet of " + packet + " bytes, limit " + maxPacketBytes);
            }
            if (in.readableBytes() < packet) {
                return;
            }
            out.add(in.readRetainedSlice((int) packet));
        }
    }
}
