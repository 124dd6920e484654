package io.gmtls.proxy.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the configuration file and every file it names (certificates, keys, trust bundles, CRL files,
 * CA certificates) and triggers a reload when one changes (modification time, size or file key).
 * Polling rather than a {@code WatchService}: it also sees files replaced through symlinks (Kubernetes
 * secrets) and on file systems without change events.
 *
 * <p>The stamps seen are remembered even when the reload fails, so a broken file is reported once; the
 * fix changes the stamps again and reloads.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Duration interval;
    private final Supplier<List<Path>> files;
    private final Runnable reload;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "config-watch");
        t.setDaemon(true);
        return t;
    });
    private Map<Path, Object> stamps;

    public ConfigWatcher(Duration interval, Supplier<List<Path>> files, Runnable reload) {
        this.interval = interval;
        this.files = files;
        this.reload = reload;
    }

    /** Takes the first stamps and starts polling. */
    public void start() {
        stamps = snapshot(files.get());
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            Map<Path, Object> now = snapshot(files.get());
            if (!now.equals(stamps)) {
                LOG.info("configuration files changed: reloading");
                reload.run();
                // The reload may name other files: take the stamps of the set now in force.
                stamps = snapshot(files.get());
            }
        } catch (RuntimeException e) {
            LOG.error("configuration watch failed", e);
        }
    }

    private static Map<Path, Object> snapshot(List<Path> paths) {
        Map<Path, Object> out = new HashMap<>();
        for (Path path : paths) {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                out.put(path, List.of(a.lastModifiedTime().toMillis(), a.size(), Objects.toString(a.fileKey())));
            } catch (IOException e) {
                out.put(path, "missing");
            }
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
