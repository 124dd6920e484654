package io.gmtls.testsupport;

import io.gmtls.proxyprotocol.ConnectionFacts;
import io.gmtls.proxyprotocol.ConnectionId;
import io.gmtls.proxyprotocol.HeaderOptions;
import io.gmtls.proxyprotocol.ProxyHeaderEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plays the gateway: opens a TCP connection to the service, writes a PPv2 header with the facts a
 * gateway would send (encoded by proxy-protocol, as the gateway does) and then one HTTP/1.1 request.
 */
public final class Ppv2Client {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ProxyHeaderEncoder ENCODER = new ProxyHeaderEncoder(HeaderOptions.defaults());
    private static final AtomicLong CONNECTIONS = new AtomicLong();

    private Ppv2Client() {
    }

    /** An HTTP answer. */
    public record Response(int status, Map<String, String> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /**
         * The problem type slug of a problem+json answer: the part after {@code urn:gmtls:enrollment:}
         * (cert-enrollment is the service behind the gateway that answers problem+json), else the whole type.
         */
        public String problem() {
            String type = json().path("type").asString();
            return type.startsWith("urn:gmtls:enrollment:") ? type.substring("urn:gmtls:enrollment:".length()) : type;
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    /** PPv2 facts of a TLCP client at {@code clientIp}, with a verified certificate (or none when null). */
    public static ConnectionFacts facts(String clientIp, X509Certificate certificate) {
        return facts(clientIp, certificate, 0);
    }

    /** As {@link #facts(String, X509Certificate)}, with the gateway's verify result ({@code 0} = verified). */
    public static ConnectionFacts facts(String clientIp, X509Certificate certificate, int verify) {
        var builder = ConnectionFacts.builder()
                .source(new InetSocketAddress(ip(clientIp), 40000 + (int) (CONNECTIONS.incrementAndGet() % 20000)))
                .destination(new InetSocketAddress(ip("127.0.0.1"), 8443))
                .protocol("TLCPv1.1")
                .cipher("ECC-SM2-SM4-GCM-SM3")
                .connectionId(ConnectionId.of("test-" + CONNECTIONS.get()));
        if (certificate != null) {
            builder.clientCertificate(certificate, verify);
        }
        return builder.build();
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** One JSON POST behind a PPv2 header with {@code facts}. */
    public static Response postJson(int port, ConnectionFacts facts, String path, Object body) throws IOException {
        return request(port, facts, "POST", path, "application/json", JSON.writeValueAsBytes(body));
    }

    /** One HTTP/1.1 request behind a PPv2 header with {@code facts}; fails when the service answered nothing. */
    public static Response request(int port, ConnectionFacts facts, String method, String path, String contentType,
            byte[] body) throws IOException {
        byte[] raw = exchange(null, port, concat(ENCODER.encode(facts).bytes(), http(method, path, contentType, body)));
        if (raw.length == 0) {
            throw new IOException("connection closed without an answer");
        }
        return parse(raw);
    }

    /** The raw HTTP/1.1 request bytes. */
    public static byte[] http(String method, String path, String contentType, byte[] body) {
        StringBuilder head = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: enrollment.test\r\n")
                .append("Connection: close\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n\r\n");
        return concat(head.toString().getBytes(StandardCharsets.US_ASCII), body == null ? new byte[0] : body);
    }

    /** The PPv2 header for {@code facts}, as the gateway encodes it. */
    public static byte[] header(ConnectionFacts facts) {
        return ENCODER.encode(facts).bytes();
    }

    /**
     * Writes {@code bytes} (from {@code local}, when given) and returns everything the server sent until
     * it closed the connection; empty when it answered nothing.
     */
    public static byte[] exchange(InetAddress local, int port, byte[] bytes) throws IOException {
        try (Socket socket = new Socket()) {
            if (local != null) {
                socket.bind(new InetSocketAddress(local, 0));
            }
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            } catch (SocketException e) {
                // Closed by the server before (or while) we wrote: it answered nothing.
                return new byte[0];
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
            } catch (SocketException e) {
                // reset by the server: what arrived before still counts
            }
            return out.toByteArray();
        }
    }

    /** Parses a raw HTTP/1.1 answer (Content-Length or chunked body). */
    public static Response parse(byte[] raw) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (end < 0) {
            throw new IllegalStateException("no HTTP header in " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        } else if (headers.containsKey("content-length")) {
            body = Arrays.copyOf(body, Integer.parseInt(headers.get("content-length")));
        }
        return new Response(status, headers, body);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int lineEnd = indexOf(Arrays.copyOfRange(body, pos, body.length), "\r\n".getBytes(StandardCharsets.US_ASCII));
            int size = Integer.parseInt(new String(body, pos, lineEnd, StandardCharsets.US_ASCII).strip(), 16);
            pos += lineEnd + 2;
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(body, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** {@code a} followed by {@code b}. */
    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
