package io.gmtls.brokeradapter.gate;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a connection from a peer that is not a configured gateway once per peer address (the
 * counter counts every one): a scanner or a misrouted client must not be able to flood the log.
 * Remembers the most recent 4096 addresses.
 */
final class NotGatewayLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.gmtls.brokeradapter.connections");
    private static final int MAX_REMEMBERED = 4096;

    private final Set<InetAddress> seen = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<InetAddress, Boolean> eldest) {
                    return size() > MAX_REMEMBERED;
                }
            }));

    /** Logs the refusal if this peer address was not logged recently; returns whether it logged. */
    boolean refused(long connectionId, SocketAddress peer) {
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (address != null && !seen.add(address)) {
            return false;
        }
        LOG.warn("conn={} decision=refused reason=\"not a configured gateway address (logged once per address)\" peer={}",
                connectionId, ConnectionRecord.address(peer));
        return true;
    }
}
