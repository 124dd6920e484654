package io.gmtls.enrollment.service;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Refused requests that presented no credential this CA accepted, counted in memory per source prefix
 * (an IPv4 /24, an IPv6 /56), action, problem and protocol until the window is drained into the audit
 * log as one row per group. Anyone can send such requests, from many addresses; a row each, written
 * under the audit log's single lock, would let them flood the log and stall every issuance. At most
 * {@code maxGroups} groups are kept per window; refusals beyond them are counted in one group whose
 * prefix is {@link #OTHER}, so the number of rows per window is bounded and no refusal goes uncounted.
 */
public final class RefusalCounts {

    /** The prefix of the group that collects refusals once {@code maxGroups} groups exist. */
    public static final String OTHER = "other";

    /** IPv4 sources are grouped by their /24. */
    public static final int IPV4_PREFIX = 24;
    /** IPv6 sources are grouped by their /56 (one customer site, commonly). */
    public static final int IPV6_PREFIX = 56;

    /** What refusals are grouped by. */
    public record Group(String prefix, String action, String problem, String protocol) {

        public Group {
            Objects.requireNonNull(prefix);
            Objects.requireNonNull(action);
            Objects.requireNonNull(problem);
            Objects.requireNonNull(protocol);
        }
    }

    /** One group's count over one window, ready to be audited. */
    public record Tally(Group group, long count, Instant from, Instant to) {
    }

    private final Clock clock;
    private final int maxGroups;
    private Map<Group, long[]> counts = new LinkedHashMap<>();
    private Instant windowStart;

    public RefusalCounts(Clock clock, int maxGroups) {
        if (maxGroups < 1) {
            throw new IllegalArgumentException("maxGroups must be at least 1");
        }
        this.clock = clock;
        this.maxGroups = maxGroups;
        this.windowStart = clock.instant();
    }

    /** Counts one refusal from {@code source} (null when unknown). */
    public synchronized void count(InetAddress source, String action, String problem, String protocol) {
        Group group = new Group(prefixOf(source), action, problem, protocol);
        long[] n = counts.get(group);
        if (n == null) {
            if (counts.size() >= maxGroups) {
                group = new Group(OTHER, action, problem, protocol);
                n = counts.get(group);
            }
            if (n == null) {
                n = new long[1];
                counts.put(group, n);
            }
        }
        n[0]++;
    }

    /** The window's counts (in the order groups first appeared), starting a new window. */
    public List<Tally> drain() {
        Map<Group, long[]> drained;
        Instant from;
        Instant to = clock.instant();
        synchronized (this) {
            drained = counts;
            from = windowStart;
            counts = new LinkedHashMap<>();
            windowStart = to;
        }
        List<Tally> out = new ArrayList<>(drained.size());
        drained.forEach((group, n) -> out.add(new Tally(group, n[0], from, to)));
        return out;
    }

    /** The source prefix a refusal is counted under: {@code a.b.c.0/24} or the /56 of an IPv6 address. */
    public static String prefixOf(InetAddress source) {
        if (source == null) {
            return "unknown";
        }
        byte[] bytes = source.getAddress();
        if (source instanceof Inet6Address && isV4Mapped(bytes)) {
            byte[] v4 = new byte[4];
            System.arraycopy(bytes, 12, v4, 0, 4);
            bytes = v4;
        }
        int bits = bytes.length == 4 ? IPV4_PREFIX : IPV6_PREFIX;
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            InetAddress network = masked.length == 4 ? Inet4Address.getByAddress(masked)
                    : Inet6Address.getByAddress(null, masked, -1);
            return network.getHostAddress().replaceAll("(^|:)0(:0)+(:|$)", "::").replaceFirst(":::", "::") + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + masked.length + " bytes", e);
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
