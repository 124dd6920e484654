package io.gmtls.proxy.config;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The admin HTTP endpoint: {@code GET /metrics}, {@code GET /health}, {@code POST /admin/reload}.
 *
 * @param bind  address and port (keep it on loopback or a management network)
 * @param token bearer token required by {@code POST /admin/reload}, if set
 */
public record AdminConfig(InetSocketAddress bind, Optional<Secret> token) {
}
