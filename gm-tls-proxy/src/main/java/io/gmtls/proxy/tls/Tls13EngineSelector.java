package io.gmtls.proxy.tls;

import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the TLS ClientHello, picks the engine and credentials for it, and replaces itself with the
 * {@link SslHandler} that runs the handshake (named {@link #SSL_HANDLER_NAME}).
 *
 * <p>Netty's {@link SslClientHelloHandler} reassembles the ClientHello from records and bounds its size;
 * this class parses it ({@link ClientHelloParser}) and asks {@link Tls13ServerContexts#select} which
 * engine serves it. Before the handshake starts, the {@link Tls13Selection} (SNI name, engine) is set as
 * the channel attribute {@link Tls13Selection#ATTRIBUTE} and fired as a user event, for the handlers that
 * pick the upstream by SNI.
 *
 * <p>Anything that is not a well-formed TLS 1.3 ClientHello within the size and time limits closes the
 * connection; exceptions stop here and are not passed down the pipeline. One instance per channel.
 */
public final class Tls13EngineSelector extends SslClientHelloHandler<Tls13Selection> {

    /** Name under which the {@link SslHandler} replaces this handler. */
    public static final String SSL_HANDLER_NAME = "tls13-ssl";

    /** Default bound for the ClientHello (post-quantum key shares included, real ones are under 2 KiB). */
    public static final int DEFAULT_MAX_CLIENT_HELLO_LENGTH = 16 * 1024;

    /** Default time a client has to deliver its whole ClientHello. */
    public static final long DEFAULT_CLIENT_HELLO_TIMEOUT_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(Tls13EngineSelector.class);

    private final Tls13ServerContexts contexts;
    private final long clientHelloTimeoutMillis;
    private ScheduledFuture<?> timeout;
    private boolean closing;

    /** A selector with the default ClientHello size bound and timeout. */
    public Tls13EngineSelector(Tls13ServerContexts contexts) {
        this(contexts, DEFAULT_MAX_CLIENT_HELLO_LENGTH, DEFAULT_CLIENT_HELLO_TIMEOUT_MILLIS);
    }

    /**
     * @param maxClientHelloLength     largest ClientHello body accepted, in bytes (1..65536)
     * @param clientHelloTimeoutMillis time from this handler being added to the ClientHello being complete
     */
    public Tls13EngineSelector(Tls13ServerContexts contexts, int maxClientHelloLength, long clientHelloTimeoutMillis) {
        super(checkMaxLength(maxClientHelloLength));
        this.contexts = Objects.requireNonNull(contexts, "contexts");
        if (clientHelloTimeoutMillis <= 0) {
            throw new IllegalArgumentException("clientHelloTimeoutMillis must be positive: " + clientHelloTimeoutMillis);
        }
        this.clientHelloTimeoutMillis = clientHelloTimeoutMillis;
    }

    private static int checkMaxLength(int maxClientHelloLength) {
        if (maxClientHelloLength < 1 || maxClientHelloLength > 64 * 1024) {
            throw new IllegalArgumentException("maxClientHelloLength must be 1..65536: " + maxClientHelloLength);
        }
        return maxClientHelloLength;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        timeout = ctx.executor().schedule(() -> reject(ctx, "no complete ClientHello within "
                + clientHelloTimeoutMillis + " ms"), clientHelloTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        cancelTimeout();
        super.handlerRemoved0(ctx);
    }

    @Override
    protected Future<Tls13Selection> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
        // Parsing is synchronous: the buffer is released as soon as this returns.
        if (clientHello == null) {
            return ctx.executor().newFailedFuture(new ClientHelloParser.MalformedClientHelloException(
                    "first record is not a TLS handshake record holding a ClientHello"));
        }
        try {
            ClientHelloSummary hello = ClientHelloParser.parse(clientHello);
            if (!hello.offersTls13()) {
                return ctx.executor().newFailedFuture(new ClientHelloParser.MalformedClientHelloException(
                        "ClientHello does not offer TLS 1.3"));
            }
            return ctx.executor().newSucceededFuture(contexts.select(hello));
        } catch (ClientHelloParser.MalformedClientHelloException | RuntimeException e) {
            return ctx.executor().newFailedFuture(e);
        }
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<Tls13Selection> future) {
        cancelTimeout();
        if (!future.isSuccess()) {
            reject(ctx, String.valueOf(future.cause().getMessage()));
            return;
        }
        Tls13Selection selection = future.getNow();
        SslHandler sslHandler = null;
        try {
            sslHandler = contexts.newHandler(selection, ctx.alloc());
            ctx.channel().attr(Tls13Selection.ATTRIBUTE).set(selection);
            // Fired before the replace, which hands the ClientHello to the engine: later handlers learn the
            // SNI name before any handshake byte is answered.
            ctx.fireUserEventTriggered(selection);
            ctx.pipeline().replace(this, SSL_HANDLER_NAME, sslHandler);
            sslHandler = null;
        } catch (RuntimeException e) {
            reject(ctx, "could not start the TLS engine: " + e);
            return;
        } finally {
            // Not in the pipeline: the engine is still ours to release.
            if (sslHandler != null) {
                ReferenceCountUtil.safeRelease(sslHandler.engine());
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Decoder errors (not TLS, ClientHello too long) end here: close, don't pass them on.
        reject(ctx, String.valueOf(cause.getMessage()));
    }

    private void reject(ChannelHandlerContext ctx, String why) {
        cancelTimeout();
        if (closing) {
            return;
        }
        closing = true;
        LOG.debug("closing {}: {}", ctx.channel().remoteAddress(), why);
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
