package io.gmtls.proxy.listener;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;

/** Makes the per-connection handler that terminates TLCP (our engine) on a listener. */
@FunctionalInterface
public interface TlcpTermination {

    /**
     * A new server-side handler with a fresh engine. The caller owns the engine until the handler is in
     * a pipeline; if adding it fails, release it with {@code ReferenceCountUtil.safeRelease(handler.engine())}.
     */
    SslHandler newHandler(ByteBufAllocator allocator);

    /**
     * Whether a ClientHello with this session ID and ticket offers a session the termination may
     * resume, judged without cryptography (see {@code TlcpContext.offersResumableSession}). None by
     * default.
     */
    default boolean offersResumableSession(byte[] sessionId, byte[] ticket) {
        return false;
    }
}
