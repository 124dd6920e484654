package io.gmtls.crypto.tls;

import io.gmtls.crypto.sm4.CompactSm4Gcm;
import java.io.IOException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;

/**
 * TLS 1.3's TLS_SM4_GCM_SM3 record protection (RFC 8998) for BouncyCastle's TLS, on the SM4-GCM the TLCP
 * engine's records use ({@link CompactSm4Gcm}) instead of the JCA's {@code SM4/GCM/NoPadding}, which a
 * connection re-initialises per record through the provider. One direction of one connection; BouncyCastle's
 * {@code TlsAEADCipher} calls {@link #setKey} once per traffic key, then {@link #init} and {@link #doFinal} per
 * record. A record whose tag does not match is {@code bad_record_mac}, and nothing of it is decrypted.
 */
final class Sm4GcmTlsCipher implements TlsAEADCipherImpl {

    private static final int KEY = 16;
    private static final int NONCE = 12;

    private final boolean encrypting;
    private CompactSm4Gcm gcm;
    private byte[] nonce;

    Sm4GcmTlsCipher(boolean encrypting) {
        this.encrypting = encrypting;
    }

    @Override
    public void setKey(byte[] key, int keyOff, int keyLen) throws IOException {
        if (keyLen != KEY) {
            throw new TlsFatalAlert(AlertDescription.internal_error);
        }
        byte[] copy = Arrays.copyOfRange(key, keyOff, keyOff + keyLen);
        try {
            gcm = new CompactSm4Gcm(copy);
        } finally {
            Arrays.fill(copy, (byte) 0);
        }
    }

    @Override
    public void init(byte[] nonce, int macSize) throws IOException {
        if (gcm == null || nonce == null || nonce.length != NONCE || macSize != CompactSm4Gcm.TAG) {
            throw new TlsFatalAlert(AlertDescription.internal_error);
        }
        this.nonce = nonce.clone();
    }

    @Override
    public int getOutputSize(int inputLength) {
        return encrypting ? inputLength + CompactSm4Gcm.TAG : Math.max(0, inputLength - CompactSm4Gcm.TAG);
    }

    @Override
    public int doFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output,
            int outputOffset) throws IOException {
        if (nonce == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error);
        }
        byte[] n = nonce;
        // One nonce per record: a second doFinal without init is refused, not encrypted under the same nonce.
        nonce = null;
        boolean inPlace = input == output && inputOffset == outputOffset;
        if (encrypting) {
            // The output has getOutputSize(inputLength) = inputLength + TAG bytes of room.
            if (!inPlace) {
                System.arraycopy(input, inputOffset, output, outputOffset, inputLength);
            }
            return gcm.seal(n, additionalData, output, outputOffset, inputLength);
        }
        // BouncyCastle decrypts in place; elsewhere the output has room for the plaintext only.
        byte[] buf = inPlace ? output : Arrays.copyOfRange(input, inputOffset, inputOffset + inputLength);
        int off = inPlace ? outputOffset : 0;
        int length;
        try {
            length = gcm.open(n, additionalData, buf, off, inputLength);
        } catch (AEADBadTagException e) {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac);
        }
        if (!inPlace) {
            System.arraycopy(buf, 0, output, outputOffset, length);
            Arrays.fill(buf, (byte) 0);
        }
        return length;
    }
}
