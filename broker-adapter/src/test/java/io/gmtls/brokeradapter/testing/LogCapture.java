package io.gmtls.brokeradapter.testing;

import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** Captures log events of the whole JVM while open, to assert on connection lines and on escapes. */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** Formatted messages of the connection logger. */
    public List<String> connectionLines() {
        return events().stream().filter(e -> e.getLoggerName().equals("io.gmtls.brokeradapter.connections"))
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    /** Formatted messages of the connection logger at {@code level} exactly. */
    public List<String> connectionLines(Level level) {
        return events().stream().filter(e -> e.getLoggerName().equals("io.gmtls.brokeradapter.connections"))
                .filter(e -> e.getLevel().equals(level))
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    /**
     * Events that show an exception escaped a handler: anything Netty logs about an exception that
     * reached the pipeline's tail, and every ERROR.
     */
    public List<String> escapes() {
        return events().stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
                        || e.getFormattedMessage().contains("reached at the tail of the pipeline")
                        || e.getFormattedMessage().contains("LEAK:"))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).collect(Collectors.toList());
    }

    /**
     * A snapshot of the events. Appending happens under the appender's own lock (AppenderBase.doAppend
     * is synchronized on the appender), so the copy is taken under that lock, not the list's.
     */
    private List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
