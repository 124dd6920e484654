package io.gmtls.proxyprotocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The PPv2 TLV types this module reads and writes: HAProxy's standard types plus our registry of
 * custom types in the range {@code 0xE0..0xEF} ({@code PP2_TYPE_MIN_CUSTOM..PP2_TYPE_MAX_CUSTOM}).
 *
 * <p>Each type knows where it may appear (top level or inside {@code PP2_TYPE_SSL}), the syntax of
 * its value and its length bounds; the model classes and the decoder both validate values here, so
 * what the encoder accepts is exactly what the decoder accepts. Types not listed are ignored by the
 * decoder, as the PPv2 specification asks of receivers.
 */
public enum TlvType {
    /** {@code PP2_TYPE_AUTHORITY}: the host name the client sent (SNI). */
    AUTHORITY(0x02, Scope.TOP_LEVEL, Syntax.UTF8_TEXT, 1, 255),
    /** {@code PP2_TYPE_CRC32C}: CRC32C of the whole header, computed with this field zeroed. */
    CRC32C(0x03, Scope.TOP_LEVEL, Syntax.OPAQUE, 4, 4),
    /** {@code PP2_TYPE_UNIQUE_ID}: opaque connection id, at most 128 bytes (the gateway's connection id). */
    UNIQUE_ID(0x05, Scope.TOP_LEVEL, Syntax.OPAQUE, 0, ConnectionId.MAX_LENGTH),
    /** {@code PP2_TYPE_SSL}: client flags, verify result and the SSL sub-TLVs. */
    SSL(0x20, Scope.TOP_LEVEL, Syntax.OPAQUE, 5, 65535),
    /** {@code PP2_SUBTYPE_SSL_VERSION}: protocol version, e.g. {@code TLCPv1.1}, {@code TLSv1.3}. */
    SSL_VERSION(0x21, Scope.IN_SSL, Syntax.ASCII_TOKEN, 1, 32),
    /** {@code PP2_SUBTYPE_SSL_CN}: common name of the client's (signing) certificate subject. */
    SSL_CN(0x22, Scope.IN_SSL, Syntax.UTF8_TEXT, 1, 256),
    /** {@code PP2_SUBTYPE_SSL_CIPHER}: cipher suite name, e.g. {@code ECC-SM2-SM4-GCM-SM3}. */
    SSL_CIPHER(0x23, Scope.IN_SSL, Syntax.ASCII_TOKEN, 1, 64),
    /** {@code PP2_SUBTYPE_SSL_SIG_ALG}: certificate signature algorithm, e.g. {@code SM2-with-SM3}. */
    SSL_SIG_ALG(0x24, Scope.IN_SSL, Syntax.ASCII_TOKEN, 1, 64),
    /** {@code PP2_SUBTYPE_SSL_KEY_ALG}: certificate key algorithm, e.g. {@code SM2}, {@code EC256}. */
    SSL_KEY_ALG(0x25, Scope.IN_SSL, Syntax.ASCII_TOKEN, 1, 64),
    /** Custom 0xE0: serial number of the client's signing certificate, lowercase hex of the unsigned value. */
    CERT_SERIAL(0xE0, Scope.TOP_LEVEL, Syntax.HEX_NUMBER, 1, 40),
    /** Custom 0xE1: SM3 fingerprint of the client's signing certificate (DER), lowercase hex. */
    CERT_SM3_FINGERPRINT(0xE1, Scope.TOP_LEVEL, Syntax.HEX_DIGEST, 64, 64),
    /** Custom 0xE2: issuer DN of the client's signing certificate, RFC 4514 string. */
    CERT_ISSUER_DN(0xE2, Scope.TOP_LEVEL, Syntax.UTF8_TEXT, 1, 1024);

    /** First type of the range the PPv2 specification leaves to applications. */
    public static final int MIN_CUSTOM = 0xE0;
    /** Last type of the range the PPv2 specification leaves to applications. */
    public static final int MAX_CUSTOM = 0xEF;

    /** Where a TLV type may appear. */
    public enum Scope {
        /** In the TLV list after the address block. */
        TOP_LEVEL,
        /** Inside the value of {@code PP2_TYPE_SSL}, after its client and verify fields. */
        IN_SSL
    }

    /** Syntax of a TLV value. */
    enum Syntax {
        /** Bytes, not interpreted as text. */
        OPAQUE,
        /** Printable US-ASCII without spaces (0x21..0x7E): protocol, cipher and algorithm names. */
        ASCII_TOKEN,
        /** Strict UTF-8 without control characters. */
        UTF8_TEXT,
        /** Lowercase hex of a number without leading zeros ({@code 0} itself is allowed). */
        HEX_NUMBER,
        /** Lowercase hex digits of a digest. */
        HEX_DIGEST
    }

    private static final TlvType[] BY_CODE = new TlvType[256];

    static {
        for (TlvType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Scope scope;
    private final Syntax syntax;
    private final int minLength;
    private final int maxLength;

    TlvType(int code, Scope scope, Syntax syntax, int minLength, int maxLength) {
        this.code = code;
        this.scope = scope;
        this.syntax = syntax;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /** Returns the type byte as an unsigned value. */
    public int code() {
        return code;
    }

    /** Returns where this type may appear. */
    public Scope scope() {
        return scope;
    }

    /** Returns the largest value length, in bytes, this module writes or accepts. */
    public int maxLength() {
        return maxLength;
    }

    /** Returns {@code true} for our registered types in {@code 0xE0..0xEF}. */
    public boolean custom() {
        return code >= MIN_CUSTOM && code <= MAX_CUSTOM;
    }

    Syntax syntax() {
        return syntax;
    }

    /** Looks a type byte up; empty for types this module does not interpret. */
    public static Optional<TlvType> forCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    /** Returns a label for messages, e.g. {@code 0x22 (SSL_CN)}. */
    public String label() {
        return hex(code) + " (" + name() + ")";
    }

    /** Returns a label for any type byte, named where known. */
    static String label(int code) {
        return forCode(code).map(TlvType::label).orElse(hex(code));
    }

    private static String hex(int code) {
        return String.format("0x%02X", code);
    }

    /**
     * Checks a text value for this type and returns it.
     *
     * @throws IllegalArgumentException naming the type and what is wrong; the message never echoes the value
     */
    String checkText(String value) {
        encodeText(value);
        return value;
    }

    /** Decodes a received value as text for this type, checking it as {@link #checkText} does. */
    String decodeText(byte[] raw) {
        checkLength(raw.length);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(label() + ": value is not valid UTF-8");
        }
        checkSyntax(text);
        return text;
    }

    /** Encodes a text value, checking it as {@link #checkText} does (one UTF-8 encoding for both). */
    byte[] encodeText(String value) {
        if (value == null) {
            throw new IllegalArgumentException(label() + ": value is null");
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        checkLength(bytes.length);
        checkSyntax(value);
        return bytes;
    }

    void checkLength(int length) {
        if (length < minLength || length > maxLength) {
            throw new IllegalArgumentException(label() + ": value length " + length + " outside "
                    + minLength + ".." + maxLength + " bytes");
        }
    }

    private void checkSyntax(String value) {
        switch (syntax) {
            case OPAQUE -> {
                // bytes carry no text syntax
            }
            case ASCII_TOKEN -> {
                for (int i = 0; i < value.length(); i++) {
                    char c = value.charAt(i);
                    if (c < 0x21 || c > 0x7E) {
                        throw new IllegalArgumentException(label()
                                + ": value must be printable US-ASCII without spaces (bad character at index " + i + ")");
                    }
                }
            }
            case UTF8_TEXT -> {
                // Char by char, no stream (a gateway checks names on every connection): the ISO control
                // characters are all in the BMP, so no surrogate half is one and code points change nothing.
                for (int i = 0; i < value.length(); i++) {
                    if (Character.isISOControl(value.charAt(i))) {
                        throw new IllegalArgumentException(label() + ": value contains a control character");
                    }
                }
            }
            case HEX_NUMBER -> {
                checkLowerHex(value);
                if (value.length() > 1 && value.charAt(0) == '0') {
                    throw new IllegalArgumentException(label() + ": value has a leading zero");
                }
            }
            case HEX_DIGEST -> checkLowerHex(value);
        }
    }

    private void checkLowerHex(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException(label() + ": value must be lowercase hex (bad character at index " + i + ")");
            }
        }
    }
}
