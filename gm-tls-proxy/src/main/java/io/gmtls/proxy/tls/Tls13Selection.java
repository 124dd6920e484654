package io.gmtls.proxy.tls;

import java.util.Objects;

import io.netty.util.AttributeKey;

/**
 * The choice made from a ClientHello: the SNI host name the client sent and the engine serving it.
 * Published as the channel attribute {@link #ATTRIBUTE} and fired as a user event before the handshake
 * starts, so later handlers (upstream choice by SNI, metrics) can read it.
 *
 * @param serverName the SNI host name, lower-case ASCII, or null when the client sent none
 * @param engine     the engine serving the connection
 */
public record Tls13Selection(String serverName, Tls13EngineKind engine) {

    /** Channel attribute holding the selection once made. */
    public static final AttributeKey<Tls13Selection> ATTRIBUTE = AttributeKey.valueOf(Tls13Selection.class, "selection");

    public Tls13Selection {
        Objects.requireNonNull(engine, "engine");
    }
}
