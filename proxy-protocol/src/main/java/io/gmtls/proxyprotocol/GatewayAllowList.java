package io.gmtls.proxyprotocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * The gateway addresses a receiver accepts PPv2 headers from: IP addresses and CIDR blocks, IPv4
 * or IPv6 (e.g. {@code 10.1.2.3}, {@code 10.1.0.0/16}, {@code fd00::/8}). Matching is Netty's
 * {@link IpSubnetFilterRule}; parsing is strict: IP literals only (no host names, so no DNS
 * look-ups), prefix within range, no host bits set below the prefix. Immutable.
 */
public final class GatewayAllowList {

    private final List<String> entries;
    private final List<IpSubnetFilterRule> rules;

    private GatewayAllowList(List<String> entries, List<IpSubnetFilterRule> rules) {
        this.entries = List.copyOf(entries);
        this.rules = List.copyOf(rules);
    }

    /**
     * Parses the configured entries.
     *
     * @throws IllegalArgumentException naming the bad entry and why; also for an empty list (a
     *                                  receiver that accepts PPv2 from nobody is a misconfiguration)
     */
    public static GatewayAllowList of(List<String> entries) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("gateway allow-list is empty: name at least one gateway address or CIDR");
        }
        List<String> normalised = new ArrayList<>();
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i) == null ? "" : entries.get(i).trim();
            rules.add(rule(entry, i));
            normalised.add(entry);
        }
        return new GatewayAllowList(normalised, rules);
    }

    /** Parses the configured entries; see {@link #of(List)}. */
    public static GatewayAllowList of(String... entries) {
        return of(List.of(entries));
    }

    private static IpSubnetFilterRule rule(String entry, int index) {
        String where = "gateway allow-list entry " + (index + 1) + " '" + entry + "'";
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        byte[] address = NetUtil.createByteArrayFromIpAddressString(ip);
        if (address == null) {
            throw new IllegalArgumentException(where + ": not an IP address or CIDR block");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String prefixText = entry.substring(slash + 1);
            if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException(where + ": prefix length must be a number 0.." + bits);
            }
            prefix = Integer.parseInt(prefixText);
            if (prefix > bits) {
                throw new IllegalArgumentException(where + ": prefix length must be 0.." + bits);
            }
        }
        for (int bit = prefix; bit < bits; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException(where + ": address has bits set below the /" + prefix
                        + " prefix (write the network address)");
            }
        }
        try {
            return new IpSubnetFilterRule(InetAddress.getByAddress(address), prefix, IpFilterRuleType.ACCEPT);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(where + ": not an IP address", e);
        }
    }

    /** {@code true} when the peer is an IP socket address inside one of the entries. */
    public boolean allows(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress inet) || inet.isUnresolved()) {
            return false;
        }
        for (IpSubnetFilterRule rule : rules) {
            if (rule.matches(inet)) {
                return true;
            }
        }
        return false;
    }

    /** The entries as configured (trimmed). */
    public List<String> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return "GatewayAllowList" + entries;
    }
}
