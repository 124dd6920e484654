package io.gmtls.proxy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.gmtls.config.Durations;
import io.gmtls.config.Ranges;
import io.gmtls.tlcp.TlcpCipherSuite;

/**
 * TLCP (GB/T 38636) server settings of a listener: the dual certificates and what clients are trusted.
 *
 * @param signCert         signing certificate, PEM, optionally followed by its CA chain
 * @param signKey          signing private key, PKCS#8 PEM
 * @param encCert          encryption certificate, PEM
 * @param encKey           encryption private key, PKCS#8 PEM
 * @param trust            CA bundle for client certificates (required unless clientAuth is none)
 * @param cipherSuites     suites in preference order
 * @param sessionCacheSize server session cache entries (0 = no session resumption by id)
 * @param sessionTimeout   lifetime of cached sessions (and of session tickets)
 * @param sessionTickets   whether to issue and accept session tickets (RFC 5077)
 * @param ticketKeys       file of ticket keys shared by a fleet of gateways ({@code TicketKeySet} format,
 *                         newest first), reloaded when it changes; empty = one random key per start and
 *                         per rebuild of the termination (a reload that changes its inputs)
 */
public record TlcpConfig(
        Path signCert,
        Path signKey,
        Path encCert,
        Path encKey,
        Optional<Path> trust,
        List<TlcpCipherSuite> cipherSuites,
        int sessionCacheSize,
        Duration sessionTimeout,
        boolean sessionTickets,
        Optional<Path> ticketKeys) {

    /** Checks ranges, and that ticket keys come only with session tickets. */
    public TlcpConfig {
        cipherSuites = List.copyOf(cipherSuites);
        Ranges.check("session-cache-size", sessionCacheSize, 0, 10_000_000);
        Ranges.check("session-timeout", sessionTimeout, Duration.ofSeconds(1), Durations.MAX);
        if (!sessionTickets && ticketKeys.isPresent()) {
            throw new IllegalArgumentException("ticket-keys is set but session-tickets is off");
        }
    }
}
