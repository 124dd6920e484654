package io.gmtls.pki.authn;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmtls.pki.store.ChangeChannel;
import io.gmtls.pki.store.DatabaseEndpoint;
import io.gmtls.pki.store.PgChangeListener;
import io.gmtls.testsupport.StallingTcpProxy;
import io.gmtls.testsupport.TestDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The broker auth caches wired as the service wires them ({@link BrokerAuthConfiguration}), on a real
 * PostgreSQL, with the LISTEN connection behind a proxy that goes silent: the silence is found out by
 * the ping round trip, the cache is bypassed (read and write) meanwhile, and what it held before is
 * gone when the listener is alive again (a revocation missed during the silence cannot resurface as
 * a cached allow).
 */
class ListenerLivenessIT {

    private static final BrokerAuthenticator.Key KEY = new BrokerAuthenticator.Key("LGMTLV00000000001", "",
            "LGMTLV00000000001", "");

    @Test
    void aSilentListenerIsFoundOutAndTheCacheBypassedUntilItIsAliveAgain() throws Exception {
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            URI target = URI.create(db.url().substring("jdbc:".length()));
            try (StallingTcpProxy proxy = new StallingTcpProxy(target.getHost(), target.getPort())) {
                String viaProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getPath()
                        + (target.getQuery() == null ? "" : "?" + target.getQuery());
                PGSimpleDataSource pool = new PGSimpleDataSource();
                pool.setUrl(db.url());
                BrokerAuthConfiguration.ListenerHolder holder = new BrokerAuthConfiguration.ListenerHolder();
                BrokerAuthConfiguration.Caches caches = new BrokerAuthConfiguration.Caches(
                        new DecisionCache<>(100, Duration.ofMinutes(1), holder::alive),
                        new DecisionCache<>(100, Duration.ofMinutes(1), holder::alive),
                        new DecisionCache<>(100, Duration.ofMinutes(1), holder::alive));
                PgChangeListener listener = new PgChangeListener(new DatabaseEndpoint(viaProxy, null, "", false),
                        caches::changed, () -> caches.changed("reconnect"));
                holder.listener = listener;
                listener.start();
                try {
                    AtomicInteger loads = new AtomicInteger();
                    AuthnDecision allow = AuthnDecision.allow(KEY.clientId(), List.of(), "vehicle certificate",
                            Instant.parse("2030-01-01T00:00:00Z"));
                    AuthnDecision deny = AuthnDecision.deny("certificate revoked");
                    awaitTrue("listener alive", holder::alive);
                    caches.authn.get(KEY, () -> {
                        loads.incrementAndGet();
                        return allow;
                    });
                    assertThat(caches.authn.peek(KEY)).isSameAs(allow);

                    proxy.stall();
                    long stalledAt = System.nanoTime();
                    // The revocation's notification is lost on the silent connection.
                    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                        st.execute("NOTIFY " + ChangeChannel.NAME + ", 'revoked:0a'");
                    }
                    awaitTrue("silence found out", () -> !holder.alive());
                    assertThat((System.nanoTime() - stalledAt) / 1_000_000).as("ms to detect").isLessThan(3_000);

                    // Bypassed: not read (the stale allow is not answered), not written.
                    assertThat(caches.authn.peek(KEY)).isNull();
                    assertThat(caches.authn.get(KEY, () -> {
                        loads.incrementAndGet();
                        return deny;
                    })).isSameAs(deny);
                    assertThat(loads.get()).isEqualTo(2);

                    awaitTrue("alive again on a new connection", holder::alive);
                    assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
                    // The allow cached before the silence was dropped on the way back.
                    assertThat(caches.authn.peek(KEY)).isNull();
                    caches.authn.get(KEY, () -> {
                        loads.incrementAndGet();
                        return deny;
                    });
                    assertThat(caches.authn.peek(KEY)).isSameAs(deny);
                } finally {
                    listener.close();
                }
            }
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what).isNegative();
            Thread.sleep(10);
        }
    }
}
