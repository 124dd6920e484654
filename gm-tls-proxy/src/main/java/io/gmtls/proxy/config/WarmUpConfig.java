package io.gmtls.proxy.config;

import java.time.Duration;

import io.gmtls.config.Durations;
import io.gmtls.config.Ranges;

/**
 * The gateway's warm-up before its listeners open: connections through the real pipeline over loopback
 * (TLCP ECC and ECDHE, full and resumed; TLS 1.3 ECDSA and SM when a listener serves TLS), with
 * throwaway credentials, until {@code handshakes} are done, then until the JIT settles; the listeners
 * open when that is done or {@code maxTime} is up.
 *
 * @param enabled    false for {@code warm-up: off}
 * @param handshakes how many handshakes in all (shared out over the kinds served)
 * @param maxTime    the time budget; the listeners open when it is used up, warm or not
 */
public record WarmUpConfig(boolean enabled, int handshakes, Duration maxTime) {

    /**
     * The default: 8,000 connections within 20 s — a quarter of them every kind served in turn (the
     * handshake code compiles within a few hundred of each), the rest resumed (the once-per-connection
     * code needs thousands of connections to reach the optimising compiler; see {@code WarmUp.drive}),
     * then connections one at a time while the JIT settles ({@code WarmUp.settle}) until 20 s are up.
     */
    public static final WarmUpConfig DEFAULT = new WarmUpConfig(true, 8_000, Duration.ofSeconds(20));

    /** No warm-up: the listeners open at once. */
    public static final WarmUpConfig OFF = new WarmUpConfig(false, 0, Duration.ZERO);

    public WarmUpConfig {
        Ranges.check("handshakes", handshakes, 0, 1_000_000);
        Ranges.check("max-time", maxTime, Duration.ZERO, Durations.MAX);
    }
}
