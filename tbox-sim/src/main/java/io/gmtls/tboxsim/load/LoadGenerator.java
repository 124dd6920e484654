package io.gmtls.tboxsim.load;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.gmtls.tboxsim.transport.ClientTransport;
import io.gmtls.tboxsim.transport.EventLoops;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The {@code connect} load generator: starts the vehicles at the ramp rate, triggers waves of
 * cell-change reconnects, prints a progress line each second, stops at the end of the duration (or when
 * every vehicle has published its messages) and returns the {@link Summary}.
 *
 * <pre>{@code
 * Summary summary = new LoadGenerator(settings, description, remote, vehicles, System.err::println).run();
 * }</pre>
 */
public final class LoadGenerator {

    /** Granularity of the ramp: vehicles due are started every 10 ms. */
    private static final long RAMP_TICK_MILLIS = 10;
    /** How often the run looks whether every vehicle has connected once (--reconnect-after-connected). */
    private static final long CONNECTED_POLL_MILLIS = 100;

    /**
     * One vehicle to simulate.
     *
     * @param vin       client ID, user name and topic part
     * @param transport its security layer, kept for all its connections
     */
    public record VehicleSpec(String vin, ClientTransport transport) {
        public VehicleSpec {
            Objects.requireNonNull(vin, "vin");
            Objects.requireNonNull(transport, "transport");
        }
    }

    /**
     * What the summary says was run.
     *
     * @param transport    transport label
     * @param cipherSuites TLCP suites (empty otherwise)
     * @param target       host:port
     */
    public record Description(String transport, List<String> cipherSuites, String target) {
        public Description {
            cipherSuites = List.copyOf(cipherSuites);
        }
    }

    private final LoadSettings settings;
    private final Description description;
    private final InetSocketAddress remote;
    private final List<VehicleSpec> specs;
    private final Consumer<String> progress;
    private final LoadStats stats = new LoadStats();
    private final CountDownLatch remaining;
    private final List<SimulatedVehicle> vehicles = new ArrayList<>();
    private final Object lock = new Object();
    private volatile boolean stopping;
    private volatile long stopNanos;
    private ScheduledFuture<?> ramp;
    /** Reconnect waves so far (control thread only). */
    private int waves;

    /**
     * @param progress receives a progress line once per second; null for none
     */
    public LoadGenerator(LoadSettings settings, Description description, InetSocketAddress remote,
            List<VehicleSpec> vehicles, Consumer<String> progress) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.description = Objects.requireNonNull(description, "description");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.specs = List.copyOf(vehicles);
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no vehicles to simulate");
        }
        this.progress = progress;
        this.remaining = new CountDownLatch(specs.size());
    }

    /** Runs to the end and returns the summary. */
    public Summary run() throws InterruptedException {
        ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("tbox-sim-control", true));
        long start;
        long end;
        try (EventLoops loops = EventLoops.create(settings.threads())) {
            RunContext context = new RunContext(settings, stats, remote, loops.channelClass(), v -> remaining.countDown());
            for (VehicleSpec spec : specs) {
                vehicles.add(new SimulatedVehicle(context, spec.vin(), loops.group().next(), spec.transport()));
            }
            start = System.nanoTime();
            schedule(control, start);
            awaitVehicles();
            end = System.nanoTime();
            if (progress != null) {
                progress.accept(progressLine(start, end, new long[2]));
            }
        } finally {
            control.shutdownNow();
        }
        return summary(start, end);
    }

    /** Asks the run to end now, as at the end of the duration (e.g. on Ctrl-C). Thread-safe. */
    public void requestStop() {
        stopAll();
    }

    private void schedule(ScheduledExecutorService control, long start) {
        int[] started = {0};
        synchronized (lock) {
            ramp = control.scheduleAtFixedRate(() -> {
                if (stopping) {
                    return;
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                long due = Math.min(vehicles.size(), (long) (elapsed * settings.rampPerSecond()) + 1);
                while (started[0] < due) {
                    vehicles.get(started[0]++).start();
                }
                if (started[0] == vehicles.size()) {
                    synchronized (lock) {
                        ramp.cancel(false);
                    }
                }
            }, 0, RAMP_TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (settings.reconnectInterval() != null) {
            if (settings.wavesAfterConnected()) {
                startWavesOnceConnected(control);
            } else {
                startWaves(control);
            }
        }
        if (progress != null) {
            long[] last = new long[2];
            control.scheduleAtFixedRate(() -> progress.accept(progressLine(start, System.nanoTime(), last)),
                    1, 1, TimeUnit.SECONDS);
        }
        if (settings.duration() != null) {
            control.schedule(this::stopAll, settings.duration().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void startWaves(ScheduledExecutorService control) {
        long interval = settings.reconnectInterval().toNanos();
        control.scheduleAtFixedRate(this::reconnectWave, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** Starts the waves' clock when every vehicle had its first connection or gave up on it. */
    private void startWavesOnceConnected(ScheduledExecutorService control) {
        if (stopping) {
            return;
        }
        if (stats.initialEstablished.sum() + stats.doneWithoutConnection.sum() >= vehicles.size()) {
            startWaves(control);
        } else {
            control.schedule(() -> startWavesOnceConnected(control), CONNECTED_POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void reconnectWave() {
        if (stopping || settings.reconnectWaves() > 0 && waves >= settings.reconnectWaves()) {
            return;
        }
        waves++;
        int n = vehicles.size();
        int wave = (int) Math.max(1, Math.round(settings.reconnectFraction() * n));
        // A partial Fisher-Yates shuffle of indexes picks `wave` distinct vehicles.
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < Math.min(wave, n); i++) {
            int j = i + random.nextInt(n - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
            vehicles.get(order[i]).cellChange();
        }
    }

    private void stopAll() {
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
            stopNanos = System.nanoTime();
            if (ramp != null) {
                ramp.cancel(false);
            }
        }
        for (SimulatedVehicle vehicle : vehicles) {
            vehicle.stop();
        }
    }

    /**
     * Waits until every vehicle is done. Once stopping, each vehicle ends within its timeouts; a
     * generous cap beyond them guards against a peer that never answers a close.
     */
    private void awaitVehicles() throws InterruptedException {
        long capNanos = settings.drainTimeout().toNanos() + settings.connectTimeout().toNanos()
                + settings.connackTimeout().toNanos() + TimeUnit.SECONDS.toNanos(15);
        while (!remaining.await(100, TimeUnit.MILLISECONDS)) {
            long stoppedAt = stopNanos;
            if (stopping && System.nanoTime() - stoppedAt > capNanos) {
                stats.error("vehicle did not finish after stop");
                return;
            }
        }
    }

    private String progressLine(long start, long now, long[] last) {
        long established = stats.established.sum();
        long published = stats.published.sum();
        String line = String.format(Locale.ROOT,
                "[%5.1fs] open %d/%d  connects %d (+%d)  handshake p50 %.1f ms  published %d (+%d)  acked %d"
                        + "  resumed %d  errors %d",
                (now - start) / 1e9, stats.open.get(), vehicles.size(), established, established - last[0],
                stats.handshake.p50(), published, published - last[1], stats.acked.sum(),
                stats.resumedHandshakes.sum(), stats.errorTotal());
        last[0] = established;
        last[1] = published;
        return line;
    }

    private Summary summary(long start, long end) {
        long initial = stats.initialEstablished.sum();
        long lastInitial = stats.lastInitialConnectNanos.get();
        double rampSeconds = (lastInitial - start) / 1e9;
        double connectsPerSecond = initial > 0 && rampSeconds > 0 ? initial / rampSeconds : 0;
        long published = stats.published.sum();
        double publishSpan = (stats.lastPublishNanos.get() - stats.firstPublishNanos.get()) / 1e9;
        double runSeconds = (end - start) / 1e9;
        double publishesPerSecond = published == 0 ? 0
                : published / (publishSpan > 0.001 ? publishSpan : runSeconds);
        Summary.Connections connections = new Summary.Connections(stats.attempts.sum(), stats.established.sum(),
                initial, stats.reconnects.sum(), stats.retries.sum(), stats.failedAttempts.sum(),
                stats.abortedAttempts.sum(), stats.fullHandshakes.sum(), stats.resumedHandshakes.sum(), round(connectsPerSecond),
                stats.peakOpen.get(), vehicles.size() - initial);
        Summary.Latencies latencies = new Summary.Latencies(stats.tcpConnect.snapshot(), stats.handshake.snapshot(),
                stats.connack.snapshot(), stats.puback.snapshot());
        Summary.Messages messages = new Summary.Messages(published, stats.acked.sum(), stats.unacked.sum(),
                stats.throttled.sum(), round(publishesPerSecond), settings.payloadBytes());
        String mqtt = settings.mqttVersion() == io.netty.handler.codec.mqtt.MqttVersion.MQTT_5 ? "5" : "3.1.1";
        return new Summary(description.transport(), description.cipherSuites(), description.target(), mqtt,
                settings.qos().value(), vehicles.size(), round(runSeconds), connections, latencies, messages,
                stats.errorsByCause(), stats.errorTotal());
    }

    private static double round(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
