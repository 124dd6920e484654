package io.gmtls.pki.service;

import io.gmtls.pki.core.revocation.CrlPublisher;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/** Republishes every issuing CA's full and delta CRL on a fixed interval (first run at startup). */
public final class CrlScheduler implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CrlScheduler.class);

    private final CrlPublisher publisher;
    private final long intervalMillis;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crl-scheduler");
        t.setDaemon(true);
        return t;
    });

    public CrlScheduler(CrlPublisher publisher, java.time.Duration interval) {
        this.publisher = publisher;
        this.intervalMillis = interval.toMillis();
    }

    @Override
    public void afterPropertiesSet() {
        executor.scheduleWithFixedDelay(this::publish, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void publish() {
        try {
            publisher.publishAll();
        } catch (RuntimeException e) {
            log.warn("scheduled CRL publication failed (retried next interval): {}", e.getMessage());
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
