package io.gmtls.proxy.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One port of the gateway. On a TLS port, TLCP and TLS 1.3 are told apart by the first record's
 * version; a {@code plaintext} port relays raw TCP (a baseline for benchmarks, or a trusted inner hop).
 *
 * @param name       name in logs and metrics
 * @param bind       address and port to listen on (port 0 = any free port)
 * @param reusePort  SO_REUSEPORT (epoll only): several gateway processes share the port
 * @param upstream   default upstream group
 * @param routes     upstream groups chosen by SNI host name
 * @param clientAuth client certificate policy (both protocols)
 * @param tlcp       TLCP settings, if this port serves TLCP
 * @param tls        TLS 1.3 settings, if this port serves TLS 1.3
 * @param plaintext  true for a raw TCP relay (neither TLCP nor TLS)
 * @param limits     connection limits and timeouts
 */
public record ListenerConfig(
        String name,
        InetSocketAddress bind,
        boolean reusePort,
        String upstream,
        List<SniRoute> routes,
        ClientAuthMode clientAuth,
        Optional<TlcpConfig> tlcp,
        Optional<TlsConfig> tls,
        boolean plaintext,
        LimitsConfig limits) {

    public ListenerConfig {
        routes = List.copyOf(routes);
    }

    /** Client certificate policy. */
    public enum ClientAuthMode {
        /** No certificate asked. */
        NONE,
        /** Asked; a client may send none (verify result then non-zero in PPv2). */
        OPTIONAL,
        /** Asked; no certificate fails the handshake. */
        REQUIRED
    }

    /** Every upstream group this listener may use. */
    public List<String> upstreamGroups() {
        List<String> out = new ArrayList<>();
        out.add(upstream);
        routes.forEach(r -> out.add(r.upstream()));
        return out;
    }

    /** The upstream group for an SNI host name (null = none sent). */
    public String upstreamFor(String serverName) {
        if (serverName != null) {
            for (SniRoute route : routes) {
                if (route.matches(serverName)) {
                    return route.upstream();
                }
            }
        }
        return upstream;
    }

    List<Path> files() {
        List<Path> files = new ArrayList<>();
        tlcp.ifPresent(t -> files.addAll(List.of(t.signCert(), t.signKey(), t.encCert(), t.encKey())));
        tlcp.flatMap(TlcpConfig::trust).ifPresent(files::add);
        tlcp.flatMap(TlcpConfig::ticketKeys).ifPresent(files::add);
        tls.ifPresent(t -> {
            t.certificates().forEach(c -> files.addAll(List.of(c.chain(), c.key())));
            files.addAll(t.trust());
        });
        return files;
    }
}
