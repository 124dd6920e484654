package io.gmtls.proxyprotocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The gateway's id of one client connection, sent as {@code PP2_TYPE_UNIQUE_ID} so that broker and
 * gateway logs can be joined. Opaque bytes, 1 to {@value #MAX_LENGTH} long (the PPv2 limit);
 * immutable.
 */
public final class ConnectionId {

    /** Largest unique id the PPv2 specification allows. */
    public static final int MAX_LENGTH = 128;

    private final byte[] bytes;

    private ConnectionId(byte[] bytes) {
        if (bytes.length == 0 || bytes.length > MAX_LENGTH) {
            throw new IllegalArgumentException("connection id must be 1.." + MAX_LENGTH + " bytes, was " + bytes.length);
        }
        this.bytes = bytes;
    }

    /** Makes an id from its UTF-8 text, e.g. {@code gw1-000042}. */
    public static ConnectionId of(String text) {
        return new ConnectionId(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Makes an id from raw bytes (copied). */
    public static ConnectionId of(byte[] bytes) {
        return new ConnectionId(bytes.clone());
    }

    /** Returns a copy of the id's bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    int length() {
        return bytes.length;
    }

    byte[] rawBytes() {
        return bytes;
    }

    /** Returns the id as text when it is printable UTF-8, otherwise as lowercase hex. */
    public String asText() {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            if (text.codePoints().noneMatch(Character::isISOControl)) {
                return text;
            }
        } catch (CharacterCodingException e) {
            // not text: fall through to hex
        }
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return asText();
    }
}
