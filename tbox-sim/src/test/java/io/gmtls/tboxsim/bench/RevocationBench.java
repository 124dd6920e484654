package io.gmtls.tboxsim.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.gmtls.tboxsim.credentials.CredentialFolder;
import io.gmtls.tboxsim.testing.RevocationFleet;
import io.gmtls.tboxsim.testing.RevocationFleet.Car;
import io.gmtls.tboxsim.testing.RevocationFleet.Held;
import io.gmtls.tboxsim.testing.TcpRelay;
import io.gmtls.tboxsim.transport.TransportKind;

/**
 * The client side of {@code bench/revocation.sh} (not part of {@code mvn verify}): the script runs the
 * CA nodes and the gateways as processes; this program holds one live MQTT connection per vehicle
 * through every gateway (even vehicles over TLCP, odd ones over TLS 1.3), revokes the vehicles one by
 * one through the CA nodes' admin API (alternating nodes), and times each revocation from the revoke
 * call returning to the connection closed, per gateway. With {@code bench.outage=K} it then cuts the
 * path between the first gateway and its feed source (a {@link TcpRelay} it runs on
 * {@code bench.relay}), revokes K more vehicles, restores the path and times the catch-up from the
 * gateway's reconnect. Appends its table rows to the file given as the only argument.
 *
 * <p>System properties: {@code bench.pki} (certs-dev folder), {@code bench.ca} (CA base URLs, comma
 * separated), {@code bench.operator-key-file}, {@code bench.gateways} (MQTT ports, comma separated),
 * {@code bench.label}, {@code bench.first} (index of the first vehicle: 0), {@code bench.revocations}
 * (100), {@code bench.pace} (ms between revoke calls: 500), {@code bench.wait} (s to wait for a close:
 * 90), {@code bench.outage} (0), {@code bench.relay} ({@code PORT:CA_PORT}, for the outage).
 */
public final class RevocationBench {

    private final RevocationFleet fleet;
    private final List<String> vins;
    private final List<String> cas;
    private final String operatorKey;
    private final int[] gateways;
    private final Duration pace;
    private final Duration wait;

    private RevocationBench(Path pki) throws IOException {
        this.fleet = new RevocationFleet(pki);
        // certs-dev's vehicle revoked from the start (LGMREV…) is no use here.
        this.vins = new CredentialFolder(pki, null).sm2Vins().stream().filter(v -> !v.startsWith("LGMREV")).toList();
        this.cas = List.of(System.getProperty("bench.ca").split(","));
        this.operatorKey = Files.readString(Path.of(System.getProperty("bench.operator-key-file"))).trim();
        this.gateways = Arrays.stream(System.getProperty("bench.gateways").split(",")).mapToInt(Integer::parseInt).toArray();
        this.pace = Duration.ofMillis(Long.getLong("bench.pace", 500));
        this.wait = Duration.ofSeconds(Long.getLong("bench.wait", 90));
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        RevocationBench bench = new RevocationBench(Path.of(System.getProperty("bench.pki")));
        String label = System.getProperty("bench.label", "feed");
        int first = Integer.getInteger("bench.first", 0);
        int revocations = Integer.getInteger("bench.revocations", 100);
        int outage = Integer.getInteger("bench.outage", 0);
        TcpRelay relay = null;
        if (outage > 0) {
            String[] r = System.getProperty("bench.relay").split(":");
            relay = TcpRelay.start(Integer.parseInt(r[0]), new InetSocketAddress("127.0.0.1", Integer.parseInt(r[1])));
            bench.awaitFeedThrough(relay);
        }
        try {
            StringBuilder rows = new StringBuilder();
            rows.append(bench.steady(label, first, revocations));
            if (outage > 0) {
                rows.append(bench.outage(label, first + revocations, outage, relay));
            }
            Files.writeString(out, rows, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.print(rows);
        } finally {
            if (relay != null) {
                relay.close();
            }
        }
        System.exit(0);
    }

    /** The first gateway streams through the relay: wait until it has connected (its backoff is ≤ 5 s). */
    private void awaitFeedThrough(TcpRelay relay) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (relay.accepted() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gateway 1 did not connect to its feed through the relay within 30 s");
            }
            Thread.sleep(20);
        }
        Thread.sleep(1000);  // the resync frame
    }

    /**
     * N revocations at the pace, with every gateway's feed up: one row per gateway. The revoke calls do
     * not wait for the closes (each close is timed on its own connection's thread), so a slow path — CRL
     * polling — is measured at its real spread rather than in step with the polls.
     */
    private String steady(String label, int first, int n) throws Exception {
        List<List<Held>> held = holdAll(first, n);
        long[] sent = new long[n];
        long[] answered = new long[n];
        for (int i = 0; i < n; i++) {
            sent[i] = System.nanoTime();
            answered[i] = fleet.revoke(cas.get(i % cas.size()), operatorKey, held.get(i).get(0).car().serial());
            sleepRest(sent[i]);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        StringBuilder rows = new StringBuilder();
        for (int g = 0; g < gateways.length; g++) {
            long[] closedAt = new long[n];
            for (int i = 0; i < n; i++) {
                closedAt[i] = held.get(i).get(g).awaitClosed(until(deadline));
            }
            rows.append(row(label, "gateway " + (g + 1), since(answered, closedAt), since(sent, closedAt)));
        }
        closeAll(held);
        return rows.toString();
    }

    private static Duration until(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    /** K revocations while gateway 1's feed is cut; restored; catch-up from its reconnect. */
    private String outage(String label, int first, int k, TcpRelay relay) throws Exception {
        List<List<Held>> held = holdAll(first, k);
        relay.cut();
        long[] sent = new long[k];
        long[] answered = new long[k];
        for (int i = 0; i < k; i++) {
            sent[i] = System.nanoTime();
            answered[i] = fleet.revoke(cas.get(i % cas.size()), operatorKey, held.get(i).get(0).car().serial());
            sleepRest(sent[i]);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        long[] othersClosed = new long[k];
        for (int i = 0; i < k; i++) {
            othersClosed[i] = held.get(i).get(1).awaitClosed(until(deadline));
        }
        Thread.sleep(1000);
        long closedWhileCut = held.stream().filter(h -> h.get(0).isClosed()).count();
        long accepted = relay.accepted();
        long restored = System.nanoTime();
        relay.restore();
        deadline = restored + wait.toNanos();
        while (relay.accepted() == accepted && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long reconnected = relay.lastAccepted();
        long[] caughtUp = new long[k];
        long[] reconnect = new long[k];
        for (int i = 0; i < k; i++) {
            caughtUp[i] = held.get(i).get(0).awaitClosed(until(deadline));
            reconnect[i] = reconnected;
        }
        long[] catchUp = since(reconnect, caughtUp);
        closeAll(held);
        long last = Arrays.stream(catchUp).max().orElse(0);
        String note = String.format(Locale.ROOT, "feed cut for %d revocations (%d of them closed meanwhile); "
                + "reconnected %d ms after the restore; all caught up %s after the reconnect",
                k, closedWhileCut, (reconnected - restored) / 1_000_000, ms(last));
        return row(label + ", outage", "gateway 2 (feed up)", since(answered, othersClosed), since(sent, othersClosed))
                + row(label + ", outage", "gateway 1: reconnect → closed", catchUp, since(sent, caughtUp))
                + "<!-- " + note + " -->\n";
    }

    /** Opens a connection per vehicle [first, first+n) through every gateway, 4 at a time. */
    private List<List<Held>> holdAll(int first, int n) throws Exception {
        if (first + n > vins.size()) {
            throw new IllegalArgumentException("needs " + (first + n) + " vehicles, the PKI has " + vins.size());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Held>>> opening = new ArrayList<>();
            for (int i = first; i < first + n; i++) {
                String vin = vins.get(i);
                TransportKind kind = i % 2 == 0 ? TransportKind.TLCP : TransportKind.TLS13;
                opening.add(pool.submit(() -> {
                    Car car = fleet.car(vin, kind);
                    List<Held> perGateway = new ArrayList<>();
                    for (int g = 0; g < gateways.length; g++) {
                        perGateway.add(fleet.hold(car, gateways[g], vin + "-g" + (g + 1)));
                    }
                    return perGateway;
                }));
            }
            List<List<Held>> held = new ArrayList<>();
            for (Future<List<Held>> f : opening) {
                held.add(f.get());
            }
            return held;
        } finally {
            pool.shutdown();
        }
    }

    private static void closeAll(List<List<Held>> held) {
        held.forEach(perGateway -> perGateway.forEach(Held::close));
    }

    private void sleepRest(long start) throws InterruptedException {
        long rest = pace.toNanos() - (System.nanoTime() - start);
        if (rest > 0) {
            Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
        }
    }

    /** closedAt[i] − from[i] (nanoseconds); {@link Long#MAX_VALUE} where it never closed (closedAt −1). */
    private static long[] since(long[] from, long[] closedAt) {
        long[] d = new long[from.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = closedAt[i] < 0 ? Long.MAX_VALUE : closedAt[i] - from[i];
        }
        return d;
    }

    /**
     * | scenario | gateway | n | p50 | p90 | p99 | max | p99 and max from the call's start | not closed |
     * (nearest-rank percentiles).
     */
    static String row(String label, String gateway, long[] nanos, long[] fromStart) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        long[] start = fromStart.clone();
        Arrays.sort(start);
        long open = Arrays.stream(sorted).filter(x -> x == Long.MAX_VALUE).count();
        return String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s / %s | %d |%n", label, gateway,
                sorted.length, ms(rank(sorted, 50)), ms(rank(sorted, 90)), ms(rank(sorted, 99)),
                ms(sorted[sorted.length - 1]), ms(rank(start, 99)), ms(start[start.length - 1]), open);
    }

    private static long rank(long[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)];
    }

    private static String ms(long nanos) {
        if (nanos == Long.MAX_VALUE) {
            return "not closed";
        }
        // A close can beat the revoke call's answer to the client (the feed is that quick): shown as ≤ 0.
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}
