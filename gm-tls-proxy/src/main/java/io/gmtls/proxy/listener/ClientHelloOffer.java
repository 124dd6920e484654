package io.gmtls.proxy.listener;

import io.netty.buffer.ByteBuf;

/**
 * What a first TLCP or TLS ClientHello offers for resumption, read before any cryptography for
 * storm-aware admission: the session ID, the TLCP session ticket (RFC 5077 {@code session_ticket}
 * extension) and whether a TLS 1.3 {@code pre_shared_key} is offered.
 *
 * <p>Input is hostile and only read within the first record: every length is checked against what is
 * left, and anything off — a ClientHello split over records, a bad length, a second copy of an
 * extension — gives {@code null} (no resumption offered; the engine then refuses a malformed hello
 * itself). Nothing is copied but the session ID and ticket (each at most 32 bytes and 64 KiB).
 *
 * @param sessionId  the legacy/TLCP session ID (0..32 bytes)
 * @param ticket     the content of the session_ticket extension (empty when absent or empty)
 * @param pskOffered true when a pre_shared_key extension with at least one identity is present
 */
record ClientHelloOffer(byte[] sessionId, byte[] ticket, boolean pskOffered) {

    static final int CONTENT_TYPE_HANDSHAKE = 22;
    static final int HANDSHAKE_CLIENT_HELLO = 1;
    static final int EXT_SESSION_TICKET = 35;
    static final int EXT_PRE_SHARED_KEY = 41;
    private static final int RANDOM_LENGTH = 32;
    private static final int MAX_SESSION_ID = 32;

    private static final byte[] EMPTY = new byte[0];

    /**
     * Parses the ClientHello in one record's fragment.
     *
     * @param buffer   holds the record; indices are not changed
     * @param fragment index of the first byte after the 5-byte record header
     * @param length   the record's fragment length (as the header says, all of it readable)
     * @return the offer, or null when the fragment does not hold one whole, well-formed ClientHello
     */
    static ClientHelloOffer parse(ByteBuf buffer, int fragment, int length) {
        int end = fragment + length;
        int p = fragment;
        if (length < 4 || buffer.getUnsignedByte(p) != HANDSHAKE_CLIENT_HELLO) {
            return null;
        }
        int bodyLength = buffer.getUnsignedMedium(p + 1);
        p += 4;
        if (bodyLength > end - p) {
            return null; // split over records: judged as no resumption offer
        }
        end = p + bodyLength;
        p += 2 + RANDOM_LENGTH; // client_version, random
        if (p + 1 > end) {
            return null;
        }
        int idLength = buffer.getUnsignedByte(p++);
        if (idLength > MAX_SESSION_ID || p + idLength > end) {
            return null;
        }
        byte[] sessionId = new byte[idLength];
        buffer.getBytes(p, sessionId);
        p += idLength;
        if (p + 2 > end) {
            return null;
        }
        int suitesLength = buffer.getUnsignedShort(p);
        p += 2;
        if (suitesLength < 2 || (suitesLength & 1) != 0 || p + suitesLength > end) {
            return null;
        }
        p += suitesLength;
        if (p + 1 > end) {
            return null;
        }
        int compressionLength = buffer.getUnsignedByte(p++);
        if (compressionLength < 1 || p + compressionLength > end) {
            return null;
        }
        p += compressionLength;
        byte[] ticket = EMPTY;
        boolean psk = false;
        boolean ticketSeen = false;
        if (p < end) {
            if (p + 2 > end || buffer.getUnsignedShort(p) != end - p - 2) {
                return null;
            }
            p += 2;
            while (p < end) {
                if (p + 4 > end) {
                    return null;
                }
                int type = buffer.getUnsignedShort(p);
                int extLength = buffer.getUnsignedShort(p + 2);
                p += 4;
                if (p + extLength > end) {
                    return null;
                }
                if (type == EXT_SESSION_TICKET) {
                    if (ticketSeen) {
                        return null;
                    }
                    ticketSeen = true;
                    ticket = new byte[extLength];
                    buffer.getBytes(p, ticket);
                } else if (type == EXT_PRE_SHARED_KEY) {
                    if (psk) {
                        return null;
                    }
                    // OfferedPsks: identities<7..2^16-1> first; one identity is at least 2 + 1 + 4 bytes.
                    psk = extLength >= 2 && buffer.getUnsignedShort(p) >= 7 && buffer.getUnsignedShort(p) <= extLength - 2;
                    if (!psk) {
                        return null;
                    }
                }
                p += extLength;
            }
        }
        return new ClientHelloOffer(sessionId, ticket, psk);
    }
}
