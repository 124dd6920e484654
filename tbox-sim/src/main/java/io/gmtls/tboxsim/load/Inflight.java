package io.gmtls.tboxsim.load;

/**
 * QoS 1 publishes of one connection awaiting their PUBACK: a fixed ring of packet IDs and send times
 * (brokers acknowledge in order, MQTT 3.1.1 §4.6, so the match is nearly always the oldest). Not
 * thread-safe: used on the vehicle's event loop only.
 */
final class Inflight {

    private final int[] ids;
    private final long[] sentNanos;
    private int head;
    private int size;

    Inflight(int capacity) {
        ids = new int[capacity];
        sentNanos = new long[capacity];
    }

    boolean isFull() {
        return size == ids.length;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void add(int id, long nanos) {
        if (isFull()) {
            throw new IllegalStateException("in-flight window full");
        }
        int at = (head + size) % ids.length;
        ids[at] = id;
        sentNanos[at] = nanos;
        size++;
    }

    /** Removes {@code id}; returns its send time, or -1 if it is not in flight. */
    long remove(int id) {
        for (int i = 0; i < size; i++) {
            int at = (head + i) % ids.length;
            if (ids[at] == id) {
                long sent = sentNanos[at];
                // Close the gap by moving the older entries up one place; i is 0 in the usual in-order case.
                for (int j = i; j > 0; j--) {
                    int to = (head + j) % ids.length;
                    int from = (head + j - 1) % ids.length;
                    ids[to] = ids[from];
                    sentNanos[to] = sentNanos[from];
                }
                head = (head + 1) % ids.length;
                size--;
                return sent;
            }
        }
        return -1;
    }

    /** Send time of the oldest entry; only when not empty. */
    long oldestNanos() {
        return sentNanos[head];
    }

    /** Whether {@code id} is in flight (packet IDs must not be reused while they are). */
    boolean contains(int id) {
        for (int i = 0; i < size; i++) {
            if (ids[(head + i) % ids.length] == id) {
                return true;
            }
        }
        return false;
    }

    void clear() {
        head = 0;
        size = 0;
    }
}
