package io.gmtls.proxy.relay;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DuplexChannel;

/**
 * An embedded channel that can be half-closed, as a TCP socket with {@code ALLOW_HALF_CLOSURE}:
 * {@link #shutdownOutput()} is recorded and the channel stays open. Created unregistered; it may also
 * stand for a socket whose connect has not completed ({@link #connected(boolean)}).
 */
final class DuplexEmbeddedChannel extends EmbeddedChannel implements DuplexChannel {

    private boolean inputShutdown;
    private boolean outputShutdown;
    private boolean connected = true;
    private InetSocketAddress local;
    private InetSocketAddress remote;

    DuplexEmbeddedChannel() {
        super(false, false);
    }

    /** While false the channel is registered but not active (connect under way). */
    DuplexEmbeddedChannel connected(boolean value) {
        this.connected = value;
        return this;
    }

    /** Gives the channel TCP addresses (an embedded channel has none of its own). */
    DuplexEmbeddedChannel addresses(InetSocketAddress localAddress, InetSocketAddress remoteAddress) {
        this.local = localAddress;
        this.remote = remoteAddress;
        return this;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local != null ? local : super.localAddress0();
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote != null ? remote : super.remoteAddress0();
    }

    @Override
    public boolean isActive() {
        return connected && super.isActive();
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        inputShutdown = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        outputShutdown = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
        return inputShutdown && outputShutdown;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        inputShutdown = true;
        outputShutdown = true;
        return promise.setSuccess();
    }
}
