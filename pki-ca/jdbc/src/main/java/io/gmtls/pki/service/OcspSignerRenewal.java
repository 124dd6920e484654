package io.gmtls.pki.service;

import io.gmtls.pki.core.CaDirectory;
import io.gmtls.pki.core.CaHierarchy;
import io.gmtls.pki.core.CertificateIssuer;
import io.gmtls.pki.core.CertificateStore;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Renews the delegated OCSP signers while the service runs (start-up issues them too): on a fixed
 * interval, a signer within 30 days of its notAfter is replaced and the new one answers from then on.
 */
public final class OcspSignerRenewal implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OcspSignerRenewal.class);

    private final CaHierarchy hierarchy;
    private final CaDirectory directory;
    private final ProfileCatalog profiles;
    private final CertificateIssuer issuer;
    private final CertificateStore store;
    private final long intervalMillis;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ocsp-signer-renewal");
        t.setDaemon(true);
        return t;
    });

    public OcspSignerRenewal(CaHierarchy hierarchy, CaDirectory directory, ProfileCatalog profiles,
            CertificateIssuer issuer, CertificateStore store, Duration interval) {
        this.hierarchy = hierarchy;
        this.directory = directory;
        this.profiles = profiles;
        this.issuer = issuer;
        this.store = store;
        this.intervalMillis = interval.toMillis();
    }

    @Override
    public void afterPropertiesSet() {
        // Start-up has just issued or loaded the signers: the first check is one interval later.
        executor.scheduleWithFixedDelay(this::runOnce, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** One check: renews what is due and installs the newest signers; failures are logged and retried. */
    public void runOnce() {
        try {
            int installed = hierarchy.renewOcspSigners(directory, profiles, issuer, store);
            if (installed > 0) {
                log.info("installed {} renewed delegated OCSP signer(s)", installed);
            }
        } catch (RuntimeException e) {
            log.warn("delegated OCSP signer renewal failed (retried next interval): {}", e.getMessage());
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
