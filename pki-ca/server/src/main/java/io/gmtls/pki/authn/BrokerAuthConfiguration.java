package io.gmtls.pki.authn;

import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import io.gmtls.pki.service.PkiCaProperties;
import io.gmtls.pki.store.DatabaseEndpoint;
import io.gmtls.pki.store.PgChangeListener;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wiring of the broker auth endpoint: decision logic, the two caches, and the LISTEN connection that
 * empties them when any node revokes or registers something.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerAuthConfiguration {

    /** The caches the change listener empties. */
    public static final class Caches {
        final DecisionCache<BrokerAuthenticator.Key, AuthnDecision> authn;
        final DecisionCache<AuthzRequest, AuthnResult> authz;
        final DecisionCache<AuthnFastPathFilter.BodyKey, AuthnDecision> bodies;
        private final List<Consumer<String>> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

        Caches(DecisionCache<BrokerAuthenticator.Key, AuthnDecision> authn,
                DecisionCache<AuthzRequest, AuthnResult> authz,
                DecisionCache<AuthnFastPathFilter.BodyKey, AuthnDecision> bodies) {
            this.authn = authn;
            this.authz = authz;
            this.bodies = bodies;
        }

        void changed(String payload) {
            // Decision caches first, the body cache last: a body entry is only ever stored with a
            // generation taken after the decision caches were emptied.
            authn.invalidateAll();
            authz.invalidateAll();
            bodies.invalidateAll();
            for (Consumer<String> o : observers) {
                o.accept(payload);
            }
        }

        /** Lets tests and metrics see notifications as they arrive. */
        public void observe(Consumer<String> observer) {
            observers.add(observer);
        }
    }

    /** Holds the listener so that the caches can ask whether it is known alive (ping round trip). */
    static final class ListenerHolder {
        volatile PgChangeListener listener;

        boolean alive() {
            PgChangeListener l = listener;
            return l != null && l.alive();
        }
    }

    @Bean
    ListenerHolder listenerHolder() {
        return new ListenerHolder();
    }

    @Bean
    Caches decisionCaches(PkiCaProperties properties, ListenerHolder holder) {
        var broker = properties.broker();
        long size = broker.cacheTtl().isZero() ? 0 : broker.cacheSize();
        return new Caches(new DecisionCache<>(size, broker.cacheTtl(), holder::alive),
                new DecisionCache<>(size, broker.cacheTtl(), holder::alive),
                new DecisionCache<>(size, broker.cacheTtl(), holder::alive));
    }

    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<AuthnFastPathFilter> authnFastPath(Caches caches,
            PkiCaProperties properties, io.micrometer.core.instrument.MeterRegistry meters) {
        io.micrometer.core.instrument.Counter hits = meters.counter("gmtls.broker.authn.fastpath.hits");
        var bean = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(new AuthnFastPathFilter(
                caches.bodies, new io.gmtls.pki.web.ApiKeys(properties.apiKeys()), properties.broker().requireApiKey(),
                hits::increment));
        bean.addUrlPatterns("/api/v1/broker/authn");
        bean.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10);
        return bean;
    }

    @Bean(destroyMethod = "close")
    PgChangeListener changeListener(DatabaseEndpoint endpoint, Caches caches, ListenerHolder holder) {
        PgChangeListener listener = new PgChangeListener(endpoint, caches::changed, () -> caches.changed("reconnect"));
        holder.listener = listener;
        listener.start();
        return listener;
    }

    @Bean
    ChangeListenerLifecycle changeListenerLifecycle(PgChangeListener listener) {
        return new ChangeListenerLifecycle(listener);
    }

    /**
     * Stops the change listener (thread ended, connection closed) when the context starts closing,
     * after the web server has stopped taking requests and before any bean is destroyed: the thread
     * must not still be using the JDBC driver while the application's classes go away.
     */
    static final class ChangeListenerLifecycle implements SmartLifecycle {

        /** Below the web server's graceful shutdown phase, so that it stops after the server. */
        static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

        private final PgChangeListener listener;

        ChangeListenerLifecycle(PgChangeListener listener) {
            this.listener = listener;
        }

        @Override
        public void start() {
            // Started with its bean, so that the first requests already find it connecting.
        }

        @Override
        public void stop() {
            listener.close();
        }

        @Override
        public boolean isRunning() {
            return listener.running();
        }

        @Override
        public int getPhase() {
            return PHASE;
        }
    }

    @Bean
    BrokerAuthenticator brokerAuthenticator(PkiStores stores, PkiCaProperties properties, Clock pkiClock) {
        var broker = properties.broker();
        return new BrokerAuthenticator(stores.authn(), new TopicAcl(broker.aclTopics()), pkiClock,
                broker.requireSerial(), broker.withoutCertificate().equals("ignore") ? AuthnResult.IGNORE
                        : AuthnResult.DENY);
    }
}
