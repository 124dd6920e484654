package io.gmtls.proxyprotocol;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;

/**
 * Receiver-side pipeline handler, in place of Netty's {@code HAProxyMessageDecoder}: admits only
 * peers on the {@link GatewayAllowList}, reads exactly one PPv2 header with
 * {@link ProxyHeaderDecoder}, then gets out of the way.
 *
 * <ul>
 *   <li>A peer not on the allow-list is closed when the channel registers (or becomes active, if
 *       its address is not known before), before anything is read from it.</li>
 *   <li>On a good header the handler stores the facts in the channel attribute
 *       {@link #CONNECTION_FACTS}, fires a {@link DecodeResult.Decoded} user event, removes itself
 *       and passes every byte after the header on, unchanged, to the next handler.</li>
 *   <li>On a bad header, a header larger than the maximum, one not complete within the header
 *       timeout, or a connection closed mid-header, it fires a {@link DecodeResult.Rejected} user
 *       event (for logs and metrics), closes the channel and drops all input. Nothing is thrown.</li>
 * </ul>
 *
 * One instance per channel (not sharable). Install it first in the child pipeline:
 * <pre>{@code
 * ch.pipeline().addLast(new ProxyHeaderHandler(settings, allowList), new MqttDecoder(), ...);
 * }</pre>
 */
public final class ProxyHeaderHandler extends ByteToMessageDecoder {

    /** Channel attribute holding the decoded facts, set before the {@link DecodeResult.Decoded} event fires. */
    public static final AttributeKey<ConnectionFacts> CONNECTION_FACTS =
            AttributeKey.valueOf(ProxyHeaderHandler.class, "connectionFacts");

    private enum State { READING, DONE, REJECTED }

    private final ProxyHeaderDecoder decoder;
    private final GatewayAllowList allowList;
    private State state = State.READING;
    private boolean peerAdmitted;
    private Future<?> timeout;

    /** Makes a handler for one channel. */
    public ProxyHeaderHandler(ReceiverSettings settings, GatewayAllowList allowList) {
        this.decoder = new ProxyHeaderDecoder(Objects.requireNonNull(settings, "settings"));
        this.allowList = Objects.requireNonNull(allowList, "allowList");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            // Usually called while a ChannelInitializer is still adding the handlers after this one:
            // close now, but let the rejection event reach them once the initializer has finished.
            admit(ctx, true);
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        // An accepted child channel knows its peer now: refuse it before the first read is scheduled.
        if (ctx.channel().remoteAddress() != null) {
            admit(ctx, false);
        }
        super.channelRegistered(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        admit(ctx, false);
        if (state != State.REJECTED) {
            super.channelActive(ctx);
        }
    }

    private void admit(ChannelHandlerContext ctx, boolean deferEvent) {
        if (peerAdmitted || state != State.READING) {
            return;
        }
        if (!allowList.allows(ctx.channel().remoteAddress())) {
            DecodeResult.Rejected rejected = new DecodeResult.Rejected(RejectReason.PEER_NOT_ALLOWED,
                    "peer " + ctx.channel().remoteAddress() + " is not on the gateway allow-list");
            if (deferEvent) {
                state = State.REJECTED;
                // Queued before close(), so it runs before the channel deregisters and its pipeline is torn down.
                ctx.executor().execute(() -> ctx.fireUserEventTriggered(rejected));
                ctx.close();
            } else {
                reject(ctx, rejected);
            }
            return;
        }
        peerAdmitted = true;
        long nanos = decoder.settings().headerTimeout().toNanos();
        timeout = ctx.executor().schedule(() -> {
            if (state == State.READING) {
                reject(ctx, new DecodeResult.Rejected(RejectReason.TIMEOUT, "no complete PPv2 header within "
                        + decoder.settings().headerTimeout().toMillis() + " ms"));
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state != State.READING || !admitted(ctx)) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int length;
        try {
            length = HeaderFrame.inspect(in, decoder.settings().maxHeaderBytes());
        } catch (HeaderRejection e) {
            in.skipBytes(in.readableBytes());
            reject(ctx, e.rejected());
            return;
        }
        if (length == HeaderFrame.NEED_MORE) {
            return;
        }
        DecodeResult result = decoder.decodeFramed(in.readSlice(length));
        if (result instanceof DecodeResult.Decoded decoded) {
            state = State.DONE;
            cancelTimeout();
            ctx.channel().attr(CONNECTION_FACTS).set(decoded.facts());
            ctx.fireUserEventTriggered(decoded);
            boolean payloadFollows = in.isReadable();
            // ByteToMessageDecoder hands the rest of its buffer (the payload) to the next handler.
            ctx.pipeline().remove(this);
            if (!payloadFollows && !ctx.channel().config().isAutoRead()) {
                // With reads on demand (Reactor Netty, backpressured relays) a header that came in a
                // segment of its own was consumed without anything reaching the handlers behind us,
                // so none of them will ask for the next read: ask for it, or the connection stalls.
                ctx.read();
            }
        } else {
            in.skipBytes(in.readableBytes());
            reject(ctx, (DecodeResult.Rejected) result);
        }
    }

    /** Data before the peer check ran (handler added to an active channel by hand) is checked here. */
    private boolean admitted(ChannelHandlerContext ctx) {
        admit(ctx, false);
        return peerAdmitted && state == State.READING;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        // decode() has already consumed any complete header; what is left is an incomplete one.
        int received = in.readableBytes();
        in.skipBytes(received);
        if (state == State.READING && peerAdmitted && received > 0) {
            reject(ctx, new DecodeResult.Rejected(RejectReason.TRUNCATED,
                    "connection closed after " + received + " byte(s) of an incomplete PPv2 header"));
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    private void reject(ChannelHandlerContext ctx, DecodeResult.Rejected rejected) {
        state = State.REJECTED;
        cancelTimeout();
        ctx.fireUserEventTriggered(rejected);
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
