package io.gmtls.pki.core;

import io.gmtls.pki.core.crypto.CaKeyStore;
import io.gmtls.pki.core.crypto.CaSigner;
import io.gmtls.pki.core.crypto.Fingerprints;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import io.gmtls.crypto.Sm2Keys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.operator.ContentSigner;

/**
 * Anchors the audit chain: signs checkpoints with an SM2 key that lives in the service's key store (a
 * file encrypted under the CA passphrase, or an HSM), never in the database, and checks them. A role
 * that can rewrite {@code audit_event} and recompute the unkeyed SM3 chain cannot make a checkpoint
 * that verifies, so a rewrite of any event at or below a checkpoint is detected.
 */
public final class AuditAnchor {

    /** The checkpoint key's alias in the CA key store. */
    public static final String KEY_ALIAS = "audit-checkpoint";

    private final CaSigner signer;
    private final String keyId;
    /** The highest checkpoint this process signed: one removed from the table after that is noticed. */
    private final AtomicLong highestSigned = new AtomicLong();

    public AuditAnchor(CaSigner signer) {
        if (signer.keyAlgorithm() != KeyAlgorithm.SM2) {
            throw new PkiConfigException("gmtls.ca.key-dir", "the audit checkpoint key must be SM2");
        }
        this.signer = signer;
        this.keyId = Fingerprints.sm3Hex(signer.publicKey().getEncoded());
    }

    /** The anchor over the key store's checkpoint key, and whether that key was generated just now. */
    public record Opened(AuditAnchor anchor, boolean generated) {
    }

    /** Opens the checkpoint key, generating it on first use (another node may win the race: its key is used). */
    public static Opened open(CaKeyStore keys, SecureRandom random) {
        boolean generated = false;
        if (!keys.contains(KEY_ALIAS)) {
            try {
                keys.store(KEY_ALIAS, Sm2Keys.generate(random).getPrivate());
                generated = true;
            } catch (IllegalStateException raced) {
                if (!keys.contains(KEY_ALIAS)) {
                    throw raced;
                }
            }
        }
        return new Opened(new AuditAnchor(keys.signer(KEY_ALIAS)), generated);
    }

    /** SM3 of the checkpoint key's SubjectPublicKeyInfo, lowercase hex. */
    public String keyId() {
        return keyId;
    }

    /** Signs that event {@code seq} has hash {@code headHash}, at {@code at}. */
    public AuditCheckpoint sign(long seq, String headHash, Instant at) {
        Instant t = AuditChain.truncate(at);
        ContentSigner content = signer.newContentSigner();
        try (OutputStream out = content.getOutputStream()) {
            out.write(AuditCheckpoint.payload(seq, headHash, t));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AuditCheckpoint checkpoint = new AuditCheckpoint(seq, headHash, t, keyId, content.getSignature());
        highestSigned.accumulateAndGet(seq, Math::max);
        return checkpoint;
    }

    /** True when the checkpoint is signed by this anchor's key over exactly its fields. */
    public boolean verifies(AuditCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint);
        if (!keyId.equals(checkpoint.keyId())) {
            return false;
        }
        SM2Signer verifier = new SM2Signer();
        verifier.init(false, Sm2Keys.publicParameters(signer.publicKey()));
        byte[] payload = checkpoint.payload();
        verifier.update(payload, 0, payload.length);
        try {
            return verifier.verifySignature(checkpoint.signature());
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** The highest sequence this process has signed a checkpoint for (0 for none). */
    public long highestSigned() {
        return highestSigned.get();
    }
}
