package io.gmtls.proxy.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.gmtls.proxy.config.UpstreamGroupConfig;
import io.gmtls.proxyprotocol.ProxyHeaderEncoder;

/**
 * A group of upstream servers with its balancing policy and PPv2 encoder. Immutable but for the
 * servers' health and connection counts; shared by all connections of a configuration generation.
 */
public final class UpstreamGroup {

    private final UpstreamGroupConfig config;
    private final List<Upstream> servers;
    private final ProxyHeaderEncoder encoder;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param previous the groups of the configuration being replaced (health state is carried over for
     *                 the same server), or an empty map
     */
    public UpstreamGroup(UpstreamGroupConfig config, Map<String, UpstreamGroup> previous) {
        this.config = config;
        UpstreamGroup old = previous.get(config.name());
        List<Upstream> list = new ArrayList<>();
        for (var address : config.servers()) {
            Upstream upstream = new Upstream(config.name(), address);
            if (old != null) {
                old.servers.stream().filter(u -> u.address().equals(address)).findFirst()
                        .ifPresent(upstream::inheritHealth);
            }
            list.add(upstream);
        }
        this.servers = List.copyOf(list);
        this.encoder = config.proxyProtocol().enabled() ? new ProxyHeaderEncoder(config.proxyProtocol().header()) : null;
    }

    /** The group's configuration. */
    public UpstreamGroupConfig config() {
        return config;
    }

    /** The group's name. */
    public String name() {
        return config.name();
    }

    /** The servers in configuration order. */
    public List<Upstream> servers() {
        return servers;
    }

    /** The PPv2 encoder, or null when this group gets no header. */
    public ProxyHeaderEncoder encoder() {
        return encoder;
    }

    /** Number of servers currently healthy. */
    public int healthyCount() {
        int n = 0;
        for (Upstream u : servers) {
            if (u.healthy()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Picks a healthy server not yet tried for this connection.
     *
     * @param tried servers that already failed for this connection (may be empty)
     * @return the server, or null when every healthy server was tried
     */
    public Upstream pick(List<Upstream> tried) {
        int n = servers.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        Upstream best = null;
        for (int i = 0; i < n; i++) {
            Upstream candidate = servers.get((start + i) % n);
            if (!candidate.healthy() || tried.contains(candidate)) {
                continue;
            }
            if (config.balance() == UpstreamGroupConfig.Balance.ROUND_ROBIN) {
                return candidate;
            }
            if (best == null || candidate.connections() < best.connections()) {
                best = candidate;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "UpstreamGroup[" + name() + ", " + servers + "]";
    }
}
