package io.gmtls.tboxsim.credentials;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gmtls.proxy.tls.CertificateCredential;
import io.gmtls.proxy.tls.PemFiles;
import io.gmtls.tboxsim.crypto.Bc;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.openssl.PKCS8Generator;

/**
 * A folder of credentials in the certs-dev layout, read by {@code connect} and written by
 * {@code enroll}/{@code renew}, so that either kind of folder works everywhere:
 * <pre>
 * sm2/vehicles/VIN-sign.{crt,key}  sm2/vehicles/VIN-enc.{crt,key}   (leaf certificate, PKCS#8 key)
 * ecdsa/vehicles/VIN.{crt,key}
 * sm2/model-CODE-sign.{crt,key}    sm2/model-CODE-enc.{crt,key}      (per-model bootstrap credential)
 * sm2/trust.pem  ecdsa/trust.pem                                     (CA bundles; certs-dev only)
 * </pre>
 * Chains are completed from a CA bundle ({@link CertificateChains}). Errors name the file, never key
 * material. Private keys are written with mode 0600, PKCS#8, encrypted (PBES2, AES-256-CBC) when a
 * passphrase is set.
 */
public final class CredentialFolder {

    private static final Pattern SM2_SIGN_FILE = Pattern.compile("(" + Vins.VIN.pattern() + ")-sign\\.crt");
    private static final Pattern ECDSA_FILE = Pattern.compile("(" + Vins.VIN.pattern() + ")\\.crt");
    private static final Pattern MODEL_FILE = Pattern.compile("model-([A-Z0-9][A-Z0-9-]{0,31})-sign\\.crt");
    private static final int PBKDF2_ITERATIONS = 10_000;

    private final Path root;
    private final char[] passphrase;

    /**
     * @param root       the folder (the one holding {@code sm2/} and {@code ecdsa/})
     * @param passphrase for encrypted key files (read and write), or null
     */
    public CredentialFolder(Path root, char[] passphrase) {
        this.root = root;
        this.passphrase = passphrase == null ? null : passphrase.clone();
    }

    /** The folder. */
    public Path root() {
        return root;
    }

    /** {@code sm2/trust.pem}. */
    public Path sm2Trust() {
        return root.resolve("sm2/trust.pem");
    }

    /** {@code ecdsa/trust.pem}. */
    public Path ecdsaTrust() {
        return root.resolve("ecdsa/trust.pem");
    }

    /** VINs with an SM2 signing certificate in {@code sm2/vehicles}, sorted; empty if there is no such folder. */
    public List<String> sm2Vins() throws IOException {
        return scan(root.resolve("sm2/vehicles"), SM2_SIGN_FILE);
    }

    /** VINs with an ECDSA certificate in {@code ecdsa/vehicles}, sorted. */
    public List<String> ecdsaVins() throws IOException {
        return scan(root.resolve("ecdsa/vehicles"), ECDSA_FILE);
    }

    /** Model codes with a per-model signing certificate in {@code sm2/}, sorted. */
    public List<String> modelCodes() throws IOException {
        return scan(root.resolve("sm2"), MODEL_FILE);
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
        Path sm2 = root.resolve("sm2");
        String base = "model-" + code + "-";
        return readDual(code, sm2.resolve(base + "sign.crt"), sm2.resolve(base + "sign.key"),
                sm2.resolve(base + "enc.crt"), sm2.resolve(base + "enc.key"), cas);
    }

    /** A vehicle's ECDSA credential {@code ecdsa/vehicles/VIN.{crt,key}}, its chain completed from {@code cas}. */
    public CertificateCredential ecdsaVehicle(String vin, List<X509Certificate> cas) throws IOException {
        Path dir = root.resolve("ecdsa/vehicles");
        X509Certificate leaf = firstCertificate(dir.resolve(vin + ".crt"));
        PrivateKey key = key(dir.resolve(vin + ".key"));
        try {
            return new CertificateCredential(key, CertificateChains.complete(leaf, cas));
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(vin + ".key") + ": " + e.getMessage(), e);
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
        files.put(sm2File(vin, "sign", "key"), privateKeyPem(credentials.signKey()));
        files.put(sm2File(vin, "enc", "key"), privateKeyPem(credentials.encKey()));
        files.put(sm2File(vin, "sign", "crt"), certificatePem(credentials.signCert()));
        files.put(sm2File(vin, "enc", "crt"), certificatePem(credentials.encCert()));
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
        return PemFiles.certificates(file);
    }

    /** The model code when exactly one per-model credential is in the folder. */
    public Optional<String> soleModelCode() throws IOException {
        List<String> codes = modelCodes();
        return codes.size() == 1 ? Optional.of(codes.get(0)) : Optional.empty();
    }

    private Path sm2File(String vin, String role, String extension) {
        return root.resolve("sm2/vehicles").resolve(vin + "-" + role + "." + extension);
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
        return PemFiles.certificates(existing(file)).get(0);
    }

    private PrivateKey key(Path file) throws IOException {
        return PemFiles.privateKey(existing(file), passphrase);
    }

    private static Path existing(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such file");
        }
        return file;
    }

    private static List<String> scan(Path dir, Pattern pattern) throws IOException {
        TreeSet<String> found = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Matcher m = pattern.matcher(entry.getFileName().toString());
                if (m.matches()) {
                    found.add(m.group(1));
                }
            }
        }
        return List.copyOf(found);
    }

    private static byte[] certificatePem(X509Certificate certificate) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new IllegalStateException("cannot PEM-encode a certificate", e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] privateKeyPem(PrivateKey key) {
        try {
            OutputEncryptor encryptor = null;
            if (passphrase != null) {
                encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setPRF(PKCS8Generator.PRF_HMACSHA256)
                        .setIterationCount(PBKDF2_ITERATIONS)
                        .setProvider(Bc.PROVIDER)
                        .setPassword(passphrase)
                        .build();
            }
            StringWriter out = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(new JcaPKCS8Generator(key, encryptor));
            }
            return out.toString().getBytes(StandardCharsets.US_ASCII);
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot encode a private key", e);
        }
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
