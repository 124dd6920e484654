package io.gmtls.proxyprotocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Assembles PPv2 headers byte by byte, including ones no correct encoder would write. */
final class RawHeader {

    static final byte[] IPV4_LOOPBACK_ADDRESSES = {
        127, 0, 0, 1, 127, 0, 0, 1, (byte) 0xc0, 0x01, 0x22, (byte) 0xb3
    };

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int versionCommand = 0x21;
    private int family = 0x11;
    private Integer lengthOverride;

    static RawHeader tcp4() {
        RawHeader header = new RawHeader();
        header.body.writeBytes(IPV4_LOOPBACK_ADDRESSES);
        return header;
    }

    static RawHeader empty() {
        return new RawHeader();
    }

    RawHeader versionCommand(int value) {
        this.versionCommand = value;
        return this;
    }

    RawHeader family(int value) {
        this.family = value;
        return this;
    }

    /** Writes this value in the length field instead of the real body length. */
    RawHeader lengthField(int value) {
        this.lengthOverride = value;
        return this;
    }

    RawHeader raw(byte... bytes) {
        body.writeBytes(bytes);
        return this;
    }

    RawHeader tlv(int type, byte[] value) {
        return raw(tlvBytes(type, value));
    }

    RawHeader tlv(int type, String value) {
        return tlv(type, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A TLV whose length field says {@code declaredLength} whatever the value's real length. */
    RawHeader tlvDeclaring(int type, int declaredLength, byte[] value) {
        body.write(type);
        body.write(declaredLength >>> 8);
        body.write(declaredLength);
        body.writeBytes(value);
        return this;
    }

    static byte[] tlvBytes(int type, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(value.length >>> 8);
        out.write(value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] tlvBytes(int type, String value) {
        return tlvBytes(type, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value of a PP2_TYPE_SSL TLV: client flags, verify, then the given sub-TLVs. */
    static byte[] sslValue(int client, int verify, byte[]... subTlvs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(client);
        out.write(verify >>> 24);
        out.write(verify >>> 16);
        out.write(verify >>> 8);
        out.write(verify);
        for (byte[] sub : subTlvs) {
            out.writeBytes(sub);
        }
        return out.toByteArray();
    }

    byte[] bytes() {
        byte[] rest = body.toByteArray();
        int length = lengthOverride != null ? lengthOverride : rest.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PpV2Wire.SIGNATURE);
        out.write(versionCommand);
        out.write(family);
        out.write(length >>> 8);
        out.write(length);
        out.writeBytes(rest);
        return out.toByteArray();
    }
}
