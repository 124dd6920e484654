package io.gmtls.pki.feed;

import io.gmtls.pki.core.RevocationEvent;
import io.gmtls.pki.core.RevocationEventLog;
import io.gmtls.pki.service.PkiCaProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The streams of {@code GET /api/v1/revocations/feed} on this node. One thread ("revocation-feed")
 * owns every stream: it opens them (resume or resync), reads the {@link RevocationEventLog} when woken
 * (a NOTIFY on the change channel, from this node or another) or every poll interval while the change
 * listener is not known alive, writes the new events to each stream in seq order, sends keep-alives and
 * ends streams at their maximum duration. Idle streams hold no servlet thread (async SseEmitter).
 *
 * <p>One reader for all streams: a wake-up costs one query however many gateways listen, and a stream
 * cannot see an event twice or out of order because only this thread moves its cursor. The price: a
 * write blocks this thread while a receiver's socket buffer is full. Frames are small and receivers
 * are gateways reading as fast as they can, so that is short; a receiver that stops reading is cut off
 * by the container's write timeout, after which its stream is dropped.
 */
public final class RevocationFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RevocationFeed.class);
    private static final MediaType TEXT_UTF8 = new MediaType("text", "plain", StandardCharsets.UTF_8);
    private static final int BATCH = 500;
    private static final Duration PRUNE_INTERVAL = Duration.ofMinutes(10);

    private final RevocationEventLog events;
    private final Clock clock;
    private final PkiCaProperties.Feed settings;
    private final BooleanSupplier listenerAlive;
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "revocation-feed");
        t.setDaemon(true);
        return t;
    });
    /** Owned by the executor thread. */
    private final List<Stream> streams = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    /** Set when a read failed: the next tick reads again even if the listener is alive. */
    private volatile boolean retry;
    private final AtomicLong head = new AtomicLong();
    private final Counter sent;

    /** One open stream. */
    private static final class Stream {
        final SseEmitter emitter;
        long cursor;
        final AtomicBoolean closed = new AtomicBoolean();
        /** Ends it at its maximum duration; cancelled when it ends earlier. */
        volatile java.util.concurrent.Future<?> deadline;

        Stream(SseEmitter emitter) {
            this.emitter = emitter;
        }
    }

    public RevocationFeed(RevocationEventLog events, Clock clock, PkiCaProperties.Feed settings,
            BooleanSupplier listenerAlive, MeterRegistry meters) {
        this.events = events;
        this.clock = clock;
        this.settings = settings;
        this.listenerAlive = listenerAlive;
        // A stream that ends early takes its max-duration task out of the queue with it.
        executor.setRemoveOnCancelPolicy(true);
        Gauge.builder("pki.revocation.feed.streams", open, AtomicInteger::get)
                .description("open revocation feed streams on this node").register(meters);
        Gauge.builder("pki.revocation.feed.head", head, AtomicLong::get)
                .description("newest revocation event seq seen by this node").register(meters);
        this.sent = Counter.builder("pki.revocation.feed.events.sent")
                .description("revocation events written to feed streams").register(meters);
    }

    /** Starts the poll, keep-alive and prune schedules. */
    public void start() {
        long poll = settings.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::tick, poll, poll, TimeUnit.MILLISECONDS);
        long keepalive = settings.keepalive().toMillis();
        executor.scheduleWithFixedDelay(this::keepAlive, keepalive, keepalive, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::prune, 0, PRUNE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Something changed (a NOTIFY arrived, or the listener reconnected): read the log soon. */
    public void wake() {
        if (pumpQueued.compareAndSet(false, true)) {
            executor.execute(() -> {
                pumpQueued.set(false);
                pump();
            });
        }
    }

    /** Open streams on this node. */
    public int openStreams() {
        return open.get();
    }

    /** True when another stream may be opened here. */
    public boolean hasRoom() {
        return open.get() < settings.maxStreams();
    }

    /**
     * Opens a stream after {@code resume} (null: none). The first frame is a resync when there is no
     * resume point, when it is older than the oldest retained event minus one, or beyond the head.
     */
    public SseEmitter open(Long resume) {
        // Spring's own timeout only as a backstop: this class ends the stream at its maximum duration.
        SseEmitter emitter = new SseEmitter(settings.maxStreamDuration().plusMinutes(1).toMillis());
        Stream stream = new Stream(emitter);
        open.incrementAndGet();
        emitter.onCompletion(() -> closed(stream));
        emitter.onTimeout(() -> closed(stream));
        emitter.onError(e -> closed(stream));
        executor.execute(() -> register(stream, resume));
        stream.deadline = executor.schedule(() -> end(stream), settings.maxStreamDuration().toMillis(),
                TimeUnit.MILLISECONDS);
        return emitter;
    }

    /** Counts a stream out once, however many of Spring's callbacks and our own failures report it. */
    private void closed(Stream stream) {
        if (stream.closed.compareAndSet(false, true)) {
            open.decrementAndGet();
            java.util.concurrent.Future<?> deadline = stream.deadline;
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    /** Its maximum duration is over: the receiver reconnects with Last-Event-ID (to any node). */
    private void end(Stream stream) {
        if (!stream.closed.get()) {
            stream.emitter.complete();
            closed(stream);
        }
    }

    private void register(Stream stream, Long resume) {
        if (stream.closed.get()) {
            return;
        }
        try {
            RevocationEvent.Bounds bounds = events.bounds();
            head.accumulateAndGet(bounds.head(), Math::max);
            if (resume == null || resume < bounds.oldest() - 1 || resume > bounds.head()) {
                RevocationEvent.Snapshot snapshot = events.snapshot(clock.instant());
                head.accumulateAndGet(snapshot.head(), Math::max);
                if (!send(stream, FeedFrames.resync(snapshot))) {
                    return;
                }
                stream.cursor = snapshot.head();
            } else {
                stream.cursor = resume;
            }
        } catch (RuntimeException e) {
            log.warn("revocation feed: cannot open a stream ({}); the receiver reconnects", e.getMessage());
            stream.emitter.completeWithError(e);
            closed(stream);
            return;
        }
        streams.add(stream);
        pump();
    }

    /** The fallback poll: only with streams to serve, and only while NOTIFY cannot be trusted (or a read failed). */
    private void tick() {
        if (!streams.isEmpty() && (retry || !listenerAlive.getAsBoolean())) {
            pump();
        }
    }

    /** Reads events after the lowest cursor and writes each stream the ones it has not had. */
    private void pump() {
        streams.removeIf(s -> s.closed.get());
        if (streams.isEmpty()) {
            // Nobody to write to: only the head gauge follows the log.
            try {
                head.accumulateAndGet(events.bounds().head(), Math::max);
                retry = false;
            } catch (RuntimeException e) {
                retry = true;
            }
            return;
        }
        try {
            long from = Long.MAX_VALUE;
            for (Stream s : streams) {
                from = Math.min(from, s.cursor);
            }
            while (true) {
                List<RevocationEvent> batch = events.after(from, BATCH);
                for (RevocationEvent e : batch) {
                    String frame = null;
                    for (Iterator<Stream> it = streams.iterator(); it.hasNext();) {
                        Stream s = it.next();
                        if (e.seq() <= s.cursor) {
                            continue;
                        }
                        frame = frame == null ? FeedFrames.event(e) : frame;
                        if (send(s, frame)) {
                            s.cursor = e.seq();
                            sent.increment();
                        } else {
                            it.remove();
                        }
                    }
                    head.accumulateAndGet(e.seq(), Math::max);
                }
                if (batch.size() < BATCH || streams.isEmpty()) {
                    break;
                }
                from = batch.get(batch.size() - 1).seq();
            }
            retry = false;
        } catch (RuntimeException e) {
            if (!retry) {
                log.warn("revocation feed: reading the event log failed ({}); retrying every {}", e.getMessage(),
                        settings.pollInterval());
            }
            retry = true;
        }
    }

    private void keepAlive() {
        streams.removeIf(s -> s.closed.get() || !send(s, FeedFrames.PING));
    }

    private void prune() {
        try {
            int pruned = events.prune(clock.instant(), settings.retention());
            if (pruned > 0) {
                log.info("revocation feed: pruned {} event(s) of expired certificates older than {}", pruned,
                        settings.retention());
            }
        } catch (RuntimeException e) {
            log.warn("revocation feed: pruning failed ({}); retried in {}", e.getMessage(), PRUNE_INTERVAL);
        }
    }

    /** Writes one frame; false (and the stream ended) when the receiver is gone. */
    private boolean send(Stream stream, String frame) {
        if (stream.closed.get()) {
            return false;
        }
        try {
            stream.emitter.send(Set.of(new DataWithMediaType(frame, TEXT_UTF8)));
            return true;
        } catch (IOException | IllegalStateException e) {
            stream.emitter.completeWithError(e);
            closed(stream);
            return false;
        }
    }

    /** Ends every stream and the thread. */
    @Override
    public void close() {
        try {
            executor.submit(() -> {
                for (Stream s : streams) {
                    try {
                        s.emitter.complete();
                    } catch (RuntimeException e) {
                        // shutting down
                    }
                }
                streams.clear();
            }).get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | java.util.concurrent.RejectedExecutionException e) {
            // shutting down anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
