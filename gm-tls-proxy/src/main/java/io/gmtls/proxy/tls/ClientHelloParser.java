package io.gmtls.proxy.tls;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.netty.buffer.ByteBuf;

/**
 * Parses the body of a ClientHello handshake message (RFC 8446 section 4.1.2) into a
 * {@link ClientHelloSummary}. Input is hostile: every length is checked against what is left, lists must
 * be well formed, an extension may appear once, and anything off is a {@link MalformedClientHelloException}
 * (never an index or other runtime exception).
 *
 * <pre>
 * struct {
 *     ProtocolVersion legacy_version = 0x0303;
 *     Random random;                                  // 32 bytes
 *     opaque legacy_session_id&lt;0..32&gt;;
 *     CipherSuite cipher_suites&lt;2..2^16-2&gt;;
 *     opaque legacy_compression_methods&lt;1..2^8-1&gt;;
 *     Extension extensions&lt;8..2^16-1&gt;;             // absent in some pre-1.3 hellos
 * } ClientHello;
 * struct { ExtensionType extension_type; opaque extension_data&lt;0..2^16-1&gt;; } Extension;
 * </pre>
 */
final class ClientHelloParser {

    static final int EXT_SERVER_NAME = 0;
    static final int EXT_SUPPORTED_GROUPS = 10;
    static final int EXT_SIGNATURE_ALGORITHMS = 13;
    static final int EXT_SUPPORTED_VERSIONS = 43;

    private static final int RANDOM_LENGTH = 32;
    private static final int MAX_SESSION_ID = 32;
    private static final int MAX_HOST_NAME = 253;
    private static final int NAME_TYPE_HOST_NAME = 0;

    /** A ClientHello that can't be what it claims to be; the connection is closed. */
    static final class MalformedClientHelloException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedClientHelloException(String message) {
            super(message, null, false, false);
        }
    }

    private ClientHelloParser() {
    }

    /**
     * @param body the ClientHello body (after the 4-byte handshake header); only read, indices unchanged
     */
    static ClientHelloSummary parse(ByteBuf body) throws MalformedClientHelloException {
        Reader in = new Reader(body, body.readerIndex(), body.writerIndex());
        int legacyVersion = in.u16("legacy_version");
        if ((legacyVersion >> 8) != 3) {
            throw new MalformedClientHelloException("legacy_version 0x" + Integer.toHexString(legacyVersion));
        }
        in.skip(RANDOM_LENGTH, "random");
        int sessionIdLength = in.u8("legacy_session_id length");
        if (sessionIdLength > MAX_SESSION_ID) {
            throw new MalformedClientHelloException("legacy_session_id longer than 32");
        }
        in.skip(sessionIdLength, "legacy_session_id");
        List<Integer> cipherSuites = in.u16List(in.u16("cipher_suites length"), 2, "cipher_suites");
        int compressionLength = in.u8("legacy_compression_methods length");
        if (compressionLength < 1) {
            throw new MalformedClientHelloException("no compression method");
        }
        in.skip(compressionLength, "legacy_compression_methods");

        String serverName = null;
        List<Integer> groups = List.of();
        List<Integer> signatureAlgorithms = List.of();
        List<Integer> versions = List.of();
        if (in.remaining() > 0) {
            int extensionsLength = in.u16("extensions length");
            if (extensionsLength != in.remaining()) {
                throw new MalformedClientHelloException("extensions length " + extensionsLength + " but "
                        + in.remaining() + " bytes follow");
            }
            Set<Integer> seen = new HashSet<>();
            while (in.remaining() > 0) {
                int type = in.u16("extension type");
                int length = in.u16("extension length");
                Reader data = in.sub(length, "extension data");
                if (!seen.add(type)) {
                    throw new MalformedClientHelloException("extension " + type + " appears twice");
                }
                switch (type) {
                    case EXT_SERVER_NAME -> serverName = parseServerName(data);
                    case EXT_SUPPORTED_GROUPS -> groups = data.u16List(data.u16("supported_groups length"), 2,
                            "supported_groups");
                    case EXT_SIGNATURE_ALGORITHMS -> signatureAlgorithms = data.u16List(
                            data.u16("signature_algorithms length"), 2, "signature_algorithms");
                    case EXT_SUPPORTED_VERSIONS -> versions = data.u16List(data.u8("supported_versions length"), 2,
                            "supported_versions");
                    default -> data.skip(data.remaining(), "extension data");
                }
                if (data.remaining() != 0) {
                    throw new MalformedClientHelloException("extension " + type + " has trailing bytes");
                }
            }
        }
        return new ClientHelloSummary(serverName, cipherSuites, groups, signatureAlgorithms, versions);
    }

    /** RFC 6066 section 3: a ServerNameList with at most one host_name. */
    private static String parseServerName(Reader data) throws MalformedClientHelloException {
        Reader list = data.sub(data.u16("server_name_list length"), "server_name_list");
        if (list.remaining() == 0) {
            // An empty extension is what a server echoes; from a client it just means no name.
            return null;
        }
        String hostName = null;
        while (list.remaining() > 0) {
            int nameType = list.u8("name_type");
            int length = list.u16("server name length");
            Reader name = list.sub(length, "server name");
            if (nameType != NAME_TYPE_HOST_NAME) {
                continue;
            }
            if (hostName != null) {
                throw new MalformedClientHelloException("two host_name entries in server_name");
            }
            hostName = name.hostName(length);
        }
        return hostName;
    }

    /** Bounds-checked reading of a region of the buffer. */
    private static final class Reader {
        private final ByteBuf buffer;
        private int position;
        private final int end;

        Reader(ByteBuf buffer, int position, int end) {
            this.buffer = buffer;
            this.position = position;
            this.end = end;
        }

        int remaining() {
            return end - position;
        }

        private void need(int count, String what) throws MalformedClientHelloException {
            if (count < 0 || count > remaining()) {
                throw new MalformedClientHelloException(what + ": needs " + count + " bytes, " + remaining() + " left");
            }
        }

        int u8(String what) throws MalformedClientHelloException {
            need(1, what);
            return buffer.getUnsignedByte(position++);
        }

        int u16(String what) throws MalformedClientHelloException {
            need(2, what);
            int value = buffer.getUnsignedShort(position);
            position += 2;
            return value;
        }

        void skip(int count, String what) throws MalformedClientHelloException {
            need(count, what);
            position += count;
        }

        Reader sub(int length, String what) throws MalformedClientHelloException {
            need(length, what);
            Reader sub = new Reader(buffer, position, position + length);
            position += length;
            return sub;
        }

        List<Integer> u16List(int length, int minimum, String what) throws MalformedClientHelloException {
            if (length < minimum || (length & 1) != 0) {
                throw new MalformedClientHelloException(what + ": bad list length " + length);
            }
            need(length, what);
            List<Integer> values = new ArrayList<>(length / 2);
            for (int i = 0; i < length; i += 2) {
                values.add(buffer.getUnsignedShort(position + i));
            }
            position += length;
            return values;
        }

        /** A DNS host name: letters, digits, '-', '_' and '.', 1..253 bytes, no empty label. */
        String hostName(int length) throws MalformedClientHelloException {
            if (length < 1 || length > MAX_HOST_NAME) {
                throw new MalformedClientHelloException("host_name length " + length);
            }
            StringBuilder name = new StringBuilder(length);
            char previous = '.';
            for (int i = 0; i < length; i++) {
                char c = (char) buffer.getUnsignedByte(position + i);
                boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_' || c == '.';
                if (!allowed || (c == '.' && previous == '.')) {
                    throw new MalformedClientHelloException("host_name has a forbidden character or empty label");
                }
                name.append(c);
                previous = c;
            }
            position += length;
            String host = name.toString().toLowerCase(Locale.ROOT);
            return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        }
    }
}
