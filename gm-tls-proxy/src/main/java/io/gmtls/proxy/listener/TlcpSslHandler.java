package io.gmtls.proxy.listener;

import java.nio.ByteBuffer;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

import io.gmtls.tlcp.TlcpDetector;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * The gateway's TLCP {@link SslHandler}: a record header that announces more than the TLCP maximum
 * (2^14 + 2048 bytes, GB/T 38636-2020 6.3.3.3) is answered at once with the engine's
 * {@code record_overflow} alert and a close.
 *
 * <p>Netty's handler reads the length from the header and waits for the whole record before it
 * gives the engine anything, so such a header (up to 64 KiB announced) would otherwise leave the
 * connection open until the handshake or idle timeout. {@link SslHandler} hands the engine whole
 * records only, so each {@code decode} call starts at a record header: that header is checked here,
 * and given to the engine, whose own header check raises the alert (protected with the current keys
 * if the handshake is over). Everything else is Netty's handler unchanged.
 */
final class TlcpSslHandler extends SslHandler {

    private boolean refused;

    TlcpSslHandler(SSLEngine engine) {
        super(engine);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws SSLException {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() >= TlcpDetector.RECORD_HEADER_LENGTH
                && in.getUnsignedShort(in.readerIndex() + 3) > TlcpDetector.MAX_RECORD_LENGTH) {
            refuse(ctx, in);
            return;
        }
        super.decode(ctx, in, out);
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in) {
        refused = true;
        byte[] header = new byte[TlcpDetector.RECORD_HEADER_LENGTH];
        in.getBytes(in.readerIndex(), header);
        in.skipBytes(in.readableBytes());
        SSLEngine engine = engine();
        SSLException failure = null;
        try {
            engine.unwrap(ByteBuffer.wrap(header), ByteBuffer.allocate(0));
        } catch (SSLException e) {
            failure = e;
        }
        if (failure == null) {
            // Not this project's engine, or one already closed: refuse all the same.
            failure = new SSLException("record of more than 2^14 + 2048 bytes announced");
        }
        ByteBuf alert = ctx.alloc().heapBuffer(64);
        try {
            ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            while (true) {
                dst.clear();
                SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), dst);
                if (r.bytesProduced() == 0) {
                    break;
                }
                alert.writeBytes(dst.flip());
            }
        } catch (SSLException | RuntimeException e) {
            // The alert is a courtesy: the connection is closed either way.
        }
        ctx.writeAndFlush(alert).addListener(ChannelFutureListener.CLOSE);
        if (handshakeFuture().isDone()) {
            ctx.fireExceptionCaught(failure);
        } else {
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(failure));
        }
    }
}
