package io.gmtls.pki.core.crypto;

import io.gmtls.crypto.pem.EncryptedPrivateKeys;
import io.gmtls.crypto.pem.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jcajce.provider.asymmetric.ec.BCECPrivateKey;
import org.bouncycastle.jce.interfaces.ECPrivateKey;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * CA keys as encrypted PKCS#8 PEM files ({@code <alias>.key}, PBES2 with PBKDF2-HMAC-SHA256 and
 * AES-256-CBC, readable by {@code openssl pkey}) in one directory, all under one passphrase.
 * Decrypted keys are kept in memory after first use. Reads other encrypted PKCS#8 forms too (through
 * {@link EncryptedPrivateKeys}: OpenSSL's, GmSSL's PBKDF2-HMAC-SM3 with SM4-CBC), so an operator can place a
 * key written by another tool.
 */
public final class EncryptedPkcs8KeyStore implements CaKeyStore {

    private static final Pattern ALIAS = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final int PBKDF2_ITERATIONS = 100_000;

    private final Path directory;
    private final char[] passphrase;
    private final Map<String, CaSigner> signers = new ConcurrentHashMap<>();

    /** Opens (and creates if needed) a key directory; the passphrase must not be empty. */
    public EncryptedPkcs8KeyStore(Path directory, char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new IllegalArgumentException("the CA key passphrase is empty");
        }
        this.directory = directory;
        this.passphrase = passphrase.clone();
    }

    private Path file(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("invalid key alias: " + alias);
        }
        return directory.resolve(alias + ".key");
    }

    @Override
    public boolean contains(String alias) {
        return signers.containsKey(alias) || Files.isRegularFile(file(alias));
    }

    @Override
    public CaSigner signer(String alias) {
        return signers.computeIfAbsent(alias, this::load);
    }

    private CaSigner load(String alias) {
        Path path = file(alias);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("CA key '" + alias + "' not found in " + directory);
        }
        try {
            String text = Pem.readFile(path);
            PemObject first = Pem.firstBlock(text);
            if (first == null || !first.getType().equals("ENCRYPTED PRIVATE KEY")) {
                throw new IllegalStateException("CA key '" + alias + "' is not an encrypted PKCS#8 key");
            }
            PrivateKeyInfo info = Pem.privateKeyInfo(text, path.toString(), passphrase);
            PrivateKey key = KeyFactory.getInstance("EC", GmCrypto.provider())
                    .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            return new JcaCaSigner(publicKeyOf(key), key);
        } catch (Pem.KeyNotDecryptedException e) {
            // Wrong passphrase, unsupported scheme or refused iteration count: the message says which, and
            // carries no library stack trace.
            throw new IllegalStateException("cannot read CA key '" + alias + "': " + e.getMessage());
        } catch (IOException | java.security.GeneralSecurityException e) {
            // The cause never contains key material.
            throw new IllegalStateException("cannot read CA key '" + alias + "' from " + path
                    + " (wrong passphrase or damaged file)", e);
        }
    }

    /** The public key of an EC private key (d·G on its curve). */
    static PublicKey publicKeyOf(PrivateKey key) throws java.security.GeneralSecurityException {
        if (!(key instanceof BCECPrivateKey bc)) {
            throw new java.security.GeneralSecurityException("only EC CA keys are supported");
        }
        ECPrivateKey ec = bc;
        var spec = ec.getParameters();
        var q = spec.getG().multiply(ec.getD()).normalize();
        return KeyFactory.getInstance("EC", GmCrypto.provider()).generatePublic(new ECPublicKeySpec(q, spec));
    }

    @Override
    public void store(String alias, PrivateKey key) {
        Path path = file(alias);
        try {
            OwnerOnlyFiles.createDirectory(directory);
            byte[] pem = Pem.privateKey(key, passphrase, PBKDF2_ITERATIONS);
            OwnerOnlyFiles.writeNew(path, new String(pem, StandardCharsets.US_ASCII));
            signers.put(alias, new JcaCaSigner(publicKeyOf(key), key));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("CA key '" + alias + "' already exists in " + directory);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot write CA key '" + alias + "' to " + directory, e);
        }
    }

    /** Wipes the in-memory passphrase copy. */
    public void close() {
        Arrays.fill(passphrase, '\0');
        signers.clear();
    }

    @Override
    public String toString() {
        return "EncryptedPkcs8KeyStore[" + directory + "]";
    }
}
