package io.gmtls.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.crypto.BouncyCastle;
import io.gmtls.crypto.sm4.BouncyCastleSm4Gcm;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.junit.jupiter.api.Test;

/**
 * TLS_SM4_GCM_SM3's record cipher as BouncyCastle's TLS drives it (a key, then init + doFinal per record),
 * against BouncyCastle's own SM4-GCM, which its JCA {@code SM4/GCM/NoPadding} is.
 */
class Sm4GcmTlsCipherTest {

    private final SecureRandom random = new SecureRandom();
    private final Sm2TlsCrypto crypto = new Sm2TlsCrypto(new ProviderJcaJceHelper(BouncyCastle.PROVIDER), null, random,
            random);

    @Test
    void theCryptoGivesTls13Sm4GcmRecordsToOurCipherAndOtherAeadsToTheSuperclass() throws Exception {
        // The key size BouncyCastle's createCipher passes for SM4_GCM: a mismatch would fall back silently.
        assertThat(crypto.createAEADCipher("SM4/GCM/NoPadding", "SM4", 16, true)).isInstanceOf(Sm4GcmTlsCipher.class);
        assertThat(crypto.createAEADCipher("AES/GCM/NoPadding", "AES", 16, true))
                .isNotInstanceOf(Sm4GcmTlsCipher.class);
    }

    @Test
    void recordsSealAndOpenExactlyAsBouncyCastlesSm4Gcm() throws Exception {
        Random r = new Random(8998);
        for (int round = 0; round < 100; round++) {
            byte[] key = new byte[16];
            byte[] nonce = new byte[12];
            byte[] aad = new byte[5];
            r.nextBytes(key);
            r.nextBytes(nonce);
            r.nextBytes(aad);
            byte[] plain = new byte[r.nextInt(round % 10 == 0 ? 16_401 : 300)];
            r.nextBytes(plain);
            TlsAEADCipherImpl seal = crypto.createAEADCipher("SM4/GCM/NoPadding", "SM4", 16, true);
            TlsAEADCipherImpl open = crypto.createAEADCipher("SM4/GCM/NoPadding", "SM4", 16, false);
            seal.setKey(key, 0, 16);
            open.setKey(key, 0, 16);

            // As TlsAEADCipher does: in place, at an offset, the output sized by getOutputSize.
            byte[] record = new byte[5 + seal.getOutputSize(plain.length)];
            System.arraycopy(plain, 0, record, 5, plain.length);
            seal.init(nonce, 16);
            int n = seal.doFinal(aad, record, 5, plain.length, record, 5);

            assertThat(n).isEqualTo(plain.length + 16);
            byte[] ciphertext = Arrays.copyOfRange(record, 5, 5 + n);
            assertThat(ciphertext).as("round %d", round).isEqualTo(BouncyCastleSm4Gcm.seal(key, nonce, aad, plain));
            open.init(nonce, 16);
            byte[] out = new byte[open.getOutputSize(n)];
            assertThat(open.doFinal(aad, ciphertext, 0, n, out, 0)).isEqualTo(plain.length);
            assertThat(out).isEqualTo(plain);
        }
    }

    @Test
    void aTamperedRecordIsBadRecordMacAndANonceServesOneRecord() throws Exception {
        byte[] key = new byte[16];
        byte[] nonce = new byte[12];
        byte[] aad = {23, 3, 3, 0, 33};
        TlsAEADCipherImpl seal = crypto.createAEADCipher("SM4/GCM/NoPadding", "SM4", 16, true);
        TlsAEADCipherImpl open = crypto.createAEADCipher("SM4/GCM/NoPadding", "SM4", 16, false);
        seal.setKey(key, 0, 16);
        open.setKey(key, 0, 16);
        byte[] record = new byte[17 + 16];
        seal.init(nonce, 16);
        int n = seal.doFinal(aad, record, 0, 17, record, 0);
        assertThatThrownBy(() -> seal.doFinal(aad, new byte[33], 0, 17, new byte[33], 0))
                .as("a second record under the same nonce").isInstanceOf(TlsFatalAlert.class);
        for (int i = 0; i < n; i++) {
            byte[] tampered = record.clone();
            tampered[i] ^= 1;
            open.init(nonce, 16);
            assertThatThrownBy(() -> open.doFinal(aad, tampered, 0, n, new byte[17], 0))
                    .isInstanceOfSatisfying(TlsFatalAlert.class,
                            e -> assertThat(e.getAlertDescription()).isEqualTo(AlertDescription.bad_record_mac));
        }
        byte[] otherAad = aad.clone();
        otherAad[4] = 34;
        open.init(nonce, 16);
        assertThatThrownBy(() -> open.doFinal(otherAad, record, 0, n, new byte[17], 0)).isInstanceOf(TlsFatalAlert.class);
        open.init(nonce, 16);
        assertThatThrownBy(() -> open.doFinal(aad, record, 0, 15, new byte[17], 0)).as("shorter than a tag")
                .isInstanceOf(TlsFatalAlert.class);
    }
}
