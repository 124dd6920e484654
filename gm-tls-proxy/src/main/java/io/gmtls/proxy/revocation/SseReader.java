package io.gmtls.proxy.revocation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} (the WHATWG HTML "Server-sent events" interpretation rules) into
 * frames, bounded: a line, and the data of a frame, may not exceed {@code maxLine} bytes, except in a
 * frame whose {@code event} is {@code resync}, which may carry {@code maxResyncLine} (the whole revoked
 * set on one {@code data:} line). Anything over the bound, or not UTF-8, is a {@link FeedProtocolException}:
 * the caller drops the stream rather than buffering a hostile or broken server's output.
 *
 * <p>Lines end with LF, CRLF or CR; a leading byte-order mark is skipped; {@code :} lines are comments
 * (keep-alives, reported through {@link #comments()}); {@code id}, {@code event} and {@code data} fields
 * are kept, {@code retry} and unknown fields ignored; a blank line dispatches the frame when it has data.
 * Blocking; one reader per stream, used by one thread.
 */
final class SseReader {

    /** One dispatched event. */
    record Frame(String lastEventId, String event, String data) {
    }

    /** The event type a frame may carry a long line for. */
    static final String RESYNC = "resync";

    private final InputStream in;
    private final int maxLine;
    private final int maxResyncLine;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int filled;
    private boolean lastWasCr;
    private boolean started;
    private byte[] line = new byte[256];
    private int lineLength;
    private String lastEventId = "";
    private String eventType = "";
    private StringBuilder data = new StringBuilder();
    private long comments;

    SseReader(InputStream in, int maxLine, int maxResyncLine) {
        if (maxLine < 16 || maxResyncLine < maxLine) {
            throw new IllegalArgumentException("bad bounds " + maxLine + ", " + maxResyncLine);
        }
        this.in = in;
        this.maxLine = maxLine;
        this.maxResyncLine = maxResyncLine;
    }

    /** Comment lines read so far (the server's keep-alives). */
    long comments() {
        return comments;
    }

    /**
     * The next frame, or null when the stream ended (a frame cut off by the end is discarded, as the
     * specification says).
     *
     * @throws FeedProtocolException on an oversized line or frame, or bytes that are not UTF-8
     */
    Frame next() throws IOException {
        while (true) {
            String text = readLine();
            if (text == null) {
                return null;
            }
            if (text.isEmpty()) {
                Frame frame = dispatch();
                if (frame != null) {
                    return frame;
                }
                continue;
            }
            if (text.charAt(0) == ':') {
                comments++;
                continue;
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> eventType = value;
                case "data" -> {
                    if (data.length() + value.length() + 1 > limit()) {
                        throw new FeedProtocolException("oversized", "frame data longer than " + limit() + " bytes");
                    }
                    data.append(value).append('\n');
                }
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value;
                    }
                }
                default -> {
                    // retry and unknown fields: ignored (the gateway has its own reconnect backoff)
                }
            }
        }
    }

    private Frame dispatch() {
        String type = eventType.isEmpty() ? "message" : eventType;
        eventType = "";
        if (data.length() == 0) {
            return null;
        }
        String text = data.substring(0, data.length() - 1);
        data = new StringBuilder();
        return new Frame(lastEventId, type, text);
    }

    /** The bound of the line being read: the resync frame's data line may be long. */
    private int limit() {
        return RESYNC.equals(eventType) ? maxResyncLine : maxLine;
    }

    /** One line without its end, decoded; null at the end of the stream. */
    private String readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (position == filled) {
                int n = in.read(buffer);
                if (n < 0) {
                    return null;
                }
                position = 0;
                filled = n;
            }
            byte b = buffer[position++];
            if (lastWasCr) {
                lastWasCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                lastWasCr = b == '\r';
                return decode();
            }
            if (lineLength == limit()) {
                throw new FeedProtocolException("oversized", "line longer than " + limit() + " bytes");
            }
            if (lineLength == line.length) {
                line = java.util.Arrays.copyOf(line, (int) Math.min((long) line.length * 2, limit()));
            }
            line[lineLength++] = b;
        }
    }

    private String decode() throws FeedProtocolException {
        int offset = 0;
        if (!started) {
            started = true;
            // A UTF-8 byte-order mark at the very start of the stream is not part of the first line.
            if (lineLength >= 3 && (line[0] & 0xff) == 0xef && (line[1] & 0xff) == 0xbb && (line[2] & 0xff) == 0xbf) {
                offset = 3;
            }
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, offset, lineLength - offset)).toString();
            if (line.length > maxLine) {
                // Give a resync's big buffer back once the line is read.
                line = new byte[256];
            }
            return text;
        } catch (CharacterCodingException e) {
            throw new FeedProtocolException("malformed", "a line is not UTF-8");
        }
    }
}
