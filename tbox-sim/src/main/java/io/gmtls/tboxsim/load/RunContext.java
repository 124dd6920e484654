package io.gmtls.tboxsim.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.socket.SocketChannel;

/** What every vehicle of a run shares: settings, statistics, target, source addresses, payloads. */
final class RunContext {

    final LoadSettings settings;
    final LoadStats stats;
    final InetSocketAddress remote;
    final Class<? extends SocketChannel> channelClass;
    private final List<InetAddress> bind;
    private final AtomicInteger nextBind = new AtomicInteger();
    private final Consumer<SimulatedVehicle> onDone;

    RunContext(LoadSettings settings, LoadStats stats, InetSocketAddress remote,
            Class<? extends SocketChannel> channelClass, Consumer<SimulatedVehicle> onDone) {
        this.settings = settings;
        this.stats = stats;
        this.remote = remote;
        this.channelClass = channelClass;
        this.bind = settings.bindAddresses();
        this.onDone = onDone;
    }

    /** The next source address in turn (port 0: the kernel picks), or null for the system's choice. */
    SocketAddress nextLocalAddress() {
        if (bind.isEmpty()) {
            return null;
        }
        return new InetSocketAddress(bind.get(Math.floorMod(nextBind.getAndIncrement(), bind.size())), 0);
    }

    void done(SimulatedVehicle vehicle) {
        onDone.accept(vehicle);
    }

    /**
     * A telemetry payload of exactly {@code settings.payloadBytes()} bytes: a small JSON document padded
     * with spaces, or zero bytes when the size is too small for it.
     */
    ByteBuf payload(ByteBufAllocator alloc, String vin, long sequence) {
        int size = settings.payloadBytes();
        ByteBuf buf = alloc.buffer(size, size);
        byte[] json = ("{\"vin\":\"" + vin + "\",\"seq\":" + sequence + ",\"ts\":" + System.currentTimeMillis() + "}")
                .getBytes(StandardCharsets.US_ASCII);
        if (json.length <= size) {
            buf.writeBytes(json);
            for (int i = json.length; i < size; i++) {
                buf.writeByte(' ');
            }
        } else {
            buf.writeZero(size);
        }
        return buf;
    }
}
