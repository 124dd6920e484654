package io.gmtls.pki.feed;

import io.gmtls.pki.authn.BrokerAuthConfiguration;
import io.gmtls.pki.service.PkiCaCoreConfiguration.PkiStores;
import io.gmtls.pki.service.PkiCaProperties;
import io.gmtls.pki.store.PgChangeListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wiring of the revocation feed: the event log of the PostgreSQL stores, woken by every payload of
 * the change channel (the listener the broker auth caches already use), polled while that listener
 * is not known alive.
 */
@Configuration(proxyBeanMethods = false)
public class RevocationFeedConfiguration {

    @Bean(destroyMethod = "close")
    RevocationFeed revocationFeed(PkiStores stores, Clock pkiClock, PkiCaProperties properties,
            PgChangeListener changeListener, BrokerAuthConfiguration.Caches caches, MeterRegistry meters) {
        RevocationFeed feed = new RevocationFeed(stores.revocationEvents(), pkiClock, properties.feed(),
                changeListener::alive, meters);
        caches.observe(payload -> feed.wake());
        feed.start();
        return feed;
    }
}
