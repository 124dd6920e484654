package io.gmtls.pki.core.crypto;

import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SM3Digest;

/** SM3 digests as lowercase hex, the form used in the database and in PPv2 TLV 0xE1. */
public final class Fingerprints {

    private Fingerprints() {
    }

    /** SM3 of the input. */
    public static byte[] sm3(byte[] data) {
        SM3Digest digest = new SM3Digest();
        digest.update(data, 0, data.length);
        byte[] out = new byte[digest.getDigestSize()];
        digest.doFinal(out, 0);
        return out;
    }

    /** SM3 of the input as lowercase hex. */
    public static String sm3Hex(byte[] data) {
        return HexFormat.of().formatHex(sm3(data));
    }
}
