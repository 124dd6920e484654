package io.gmtls.tboxsim.e2e;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test stack started, closed in reverse order of start (a service stops before what it runs on:
 * the database last). Every part is closed even when one fails; the first failure is thrown with the
 * later ones suppressed.
 */
final class StartedInOrder implements AutoCloseable {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Records a started part; it is closed before everything pushed earlier. */
    void push(AutoCloseable part) {
        started.push(part);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
