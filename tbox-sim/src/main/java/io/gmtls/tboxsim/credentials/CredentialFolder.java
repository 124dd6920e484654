package io.gmtls.tboxsim.credentials;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.gmtls.crypto.certsdev.CertsDevLayout;
import io.gmtls.crypto.tls.CertificateCredential;
import io.gmtls.crypto.pem.Pem;

/**
 * A folder of credentials in the certs-dev layout, read by {@code connect} and written by
 * {@code enroll}/{@code renew}, so that either kind of folder works everywhere:
 * <pre>
 * sm2/vehicles/VIN-sign.{crt,key}  sm2/vehicles/VIN-enc.{crt,key}   (leaf certificate, PKCS#8 key)
 * ecdsa/vehicles/VIN.{crt,key}
 * sm2/model-CODE-sign.{crt,key}    sm2/model-CODE-enc.{crt,key}      (per-model bootstrap credential)
 * sm2/trust.pem  ecdsa/trust.pem                                     (CA bundles; certs-dev only)
 * </pre>
 * The names are gm-crypto's {@link CertsDevLayout}. Chains are completed from a CA bundle ({@link CertificateChains}). Errors name the file, never key
 * material. Private keys are written with mode 0600, PKCS#8, encrypted (PBES2, AES-256-CBC) when a
 * passphrase is set.
 */
public final class CredentialFolder {

    private final Path root;
    private final CertsDevLayout layout;
    private final char[] passphrase;

    /**
     * @param root       the folder (the one holding {@code sm2/} and {@code ecdsa/})
     * @param passphrase for encrypted key files (read and write), or null
     */
    public CredentialFolder(Path root, char[] passphrase) {
        this.root = root;
        this.layout = new CertsDevLayout(root);
        this.passphrase = passphrase == null ? null : passphrase.clone();
    }

    /** The folder. */
    public Path root() {
        return root;
    }

    /** {@code sm2/trust.pem}. */
    public Path sm2Trust() {
        return layout.sm2Trust();
    }

    /** {@code ecdsa/trust.pem}. */
    public Path ecdsaTrust() {
        return layout.ecdsaTrust();
    }

    /** VINs with an SM2 signing certificate in {@code sm2/vehicles}, sorted; empty if there is no such folder. */
    public List<String> sm2Vins() throws IOException {
        return layout.sm2Vins();
    }

    /** VINs with an ECDSA certificate in {@code ecdsa/vehicles}, sorted. */
    public List<String> ecdsaVins() throws IOException {
        return layout.ecdsaVins();
    }

    /** Model codes with a per-model signing certificate in {@code sm2/}, sorted. */
    public List<String> modelCodes() throws IOException {
        return layout.modelCodes();
    }

    /** Whether the vehicle's SM2 signing certificate exists. */
    public boolean hasSm2(String vin) {
        return Files.exists(sm2File(vin, "sign", "crt"));
    }

    /** A vehicle's SM2 dual credential, its chain completed from {@code cas}. */
    public Sm2VehicleCredentials sm2Vehicle(String vin, List<X509Certificate> cas) throws IOException {
        return readDual(vin, sm2File(vin, "sign", "crt"), sm2File(vin, "sign", "key"), sm2File(vin, "enc", "crt"),
                sm2File(vin, "enc", "key"), cas);
    }

    /** The per-model bootstrap credential {@code sm2/model-CODE-{sign,enc}}. */
    public Sm2VehicleCredentials model(String code, List<X509Certificate> cas) throws IOException {
        return readDual(code, layout.model(code, "sign", "crt"), layout.model(code, "sign", "key"),
                layout.model(code, "enc", "crt"), layout.model(code, "enc", "key"), cas);
    }

    /** A vehicle's ECDSA credential {@code ecdsa/vehicles/VIN.{crt,key}}, its chain completed from {@code cas}. */
    public CertificateCredential ecdsaVehicle(String vin, List<X509Certificate> cas) throws IOException {
        X509Certificate leaf = firstCertificate(layout.ecdsaVehicle(vin, "crt"));
        PrivateKey key = key(layout.ecdsaVehicle(vin, "key"));
        try {
            return new CertificateCredential(key, CertificateChains.complete(leaf, cas));
        } catch (IllegalArgumentException e) {
            throw new IOException(layout.ecdsaVehicle(vin, "key") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a vehicle's SM2 credential as {@code sm2/vehicles/VIN-{sign,enc}.{crt,key}} (leaf certificates).
     * Each file is written to a temporary name and moved into place, keys before certificates, so a
     * reader never sees a half-written file.
     *
     * @param overwrite whether existing files of this VIN may be replaced
     * @throws FileAlreadyExistsException if they exist and {@code overwrite} is false
     */
    public void writeSm2Vehicle(Sm2VehicleCredentials credentials, boolean overwrite) throws IOException {
        String vin = credentials.name();
        if (!Vins.isVin(vin)) {
            throw new IllegalArgumentException("not a VIN: " + vin);
        }
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(sm2File(vin, "sign", "key"), Pem.privateKey(credentials.signKey(), passphrase));
        files.put(sm2File(vin, "enc", "key"), Pem.privateKey(credentials.encKey(), passphrase));
        files.put(sm2File(vin, "sign", "crt"), Pem.writeBytes(List.of(credentials.signCert())));
        files.put(sm2File(vin, "enc", "crt"), Pem.writeBytes(List.of(credentials.encCert())));
        if (!overwrite) {
            for (Path file : files.keySet()) {
                if (Files.exists(file)) {
                    throw new FileAlreadyExistsException(file.toString(), null, "credentials of " + vin
                            + " exist (use --force to replace them)");
                }
            }
        }
        Files.createDirectories(root.resolve("sm2/vehicles"));
        List<Path> temporary = new ArrayList<>();
        try {
            Map<Path, Path> moves = new LinkedHashMap<>();
            for (Map.Entry<Path, byte[]> file : files.entrySet()) {
                Path tmp = file.getKey().resolveSibling("." + file.getKey().getFileName() + ".tmp");
                temporary.add(tmp);
                boolean secret = file.getKey().toString().endsWith(".key");
                writeNew(tmp, file.getValue(), secret);
                moves.put(tmp, file.getKey());
            }
            for (Map.Entry<Path, Path> move : moves.entrySet()) {
                moveIntoPlace(move.getKey(), move.getValue());
            }
        } finally {
            for (Path tmp : temporary) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Loads every certificate of a PEM bundle (e.g. {@code sm2/trust.pem}). */
    public static List<X509Certificate> bundle(Path file) throws IOException {
        return Pem.certificates(file);
    }

    /** The model code when exactly one per-model credential is in the folder. */
    public Optional<String> soleModelCode() throws IOException {
        List<String> codes = modelCodes();
        return codes.size() == 1 ? Optional.of(codes.get(0)) : Optional.empty();
    }

    private Path sm2File(String vin, String role, String extension) {
        return layout.sm2Vehicle(vin, role, extension);
    }

    private Sm2VehicleCredentials readDual(String name, Path signCrt, Path signKey, Path encCrt, Path encKey,
            List<X509Certificate> cas) throws IOException {
        X509Certificate sign = firstCertificate(signCrt);
        X509Certificate enc = firstCertificate(encCrt);
        PrivateKey signPrivate = key(signKey);
        PrivateKey encPrivate = key(encKey);
        try {
            // Checks the key/certificate algorithm pairing (the TLS/TLCP engines check the key itself).
            new CertificateCredential(signPrivate, List.of(sign));
            new CertificateCredential(encPrivate, List.of(enc));
        } catch (IllegalArgumentException e) {
            throw new IOException(signKey.getParent() + ": " + name + ": " + e.getMessage(), e);
        }
        return new Sm2VehicleCredentials(name, signPrivate, CertificateChains.complete(sign, cas), encPrivate, enc);
    }

    private static X509Certificate firstCertificate(Path file) throws IOException {
        return Pem.certificates(existing(file)).get(0);
    }

    private PrivateKey key(Path file) throws IOException {
        return Pem.privateKey(existing(file), passphrase);
    }

    private static Path existing(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such file");
        }
        return file;
    }

    private static void writeNew(Path file, byte[] content, boolean secret) throws IOException {
        Files.deleteIfExists(file);
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.write(file, content);
    }

    private static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
