package io.gmtls.proxy.relay;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes connection ids {@code <nodeId>-<process tag>-<counter>}, e.g. {@code gw1-3f9a1c-2a}: unique per
 * gateway process (the random tag tells restarts apart), short, and the same in the access log and in
 * the PPv2 {@code UNIQUE_ID} the broker sees.
 */
public final class ConnectionIds {

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public ConnectionIds(String nodeId) {
        byte[] tag = new byte[3];
        new SecureRandom().nextBytes(tag);
        this.prefix = nodeId + "-" + HexFormat.of().formatHex(tag) + "-";
    }

    /** The next id. */
    public String next() {
        return prefix + Long.toHexString(counter.incrementAndGet());
    }
}
