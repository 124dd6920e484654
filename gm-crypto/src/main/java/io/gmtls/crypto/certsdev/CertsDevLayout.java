package io.gmtls.crypto.certsdev;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folder layout certs-dev writes ({@code ./certs-dev.sh -o DIR}), named once for its writer (certs-dev),
 * and its readers (tbox-sim's credential folder, the CA's bootstrap import, tests):
 *
 * <pre>
 * sm2/root-ca.{crt,key}  sm2/issuing-ca.{crt,key}  sm2/trust.pem  sm2/issuing-ca.crl
 * sm2/gateway-sign.{crt,key}  sm2/gateway-enc.{crt,key}  sm2/gateway-sign-chain.pem
 * sm2/gateway-tls13.{crt,key}  sm2/gateway-tls13-chain.pem
 * sm2/model-CODE-sign.{crt,key}  sm2/model-CODE-enc.{crt,key}
 * sm2/vehicles/VIN-sign.{crt,key}  sm2/vehicles/VIN-enc.{crt,key}
 * sm2/revoked/VIN-sign.{crt,key}  sm2/revoked/VIN-enc.{crt,key}
 * ecdsa/root-ca.{crt,key}  ecdsa/issuing-ca.{crt,key}  ecdsa/trust.pem  ecdsa/issuing-ca.crl
 * ecdsa/gateway.{crt,key}  ecdsa/gateway-chain.pem  ecdsa/vehicles/VIN.{crt,key}  ecdsa/revoked/VIN.{crt,key}
 * manifest.json
 * </pre>
 *
 * Relative names ({@code String}, '/' separators) are what the writer puts in its manifest; the
 * {@code Path} methods resolve them under {@link #root()}. Reading the files is left to
 * {@link io.gmtls.crypto.pem.Pem}.
 *
 * @param root the folder
 */
public record CertsDevLayout(Path root) {

    /** The manifest describing every file. */
    public static final String MANIFEST = "manifest.json";
    /** The SM2 family's folder. */
    public static final String SM2 = "sm2";
    /** The ECDSA family's folder. */
    public static final String ECDSA = "ecdsa";
    /** Sub-folder (of each family) of the vehicles in good standing. */
    public static final String VEHICLES = "vehicles";
    /** Sub-folder (of each family) of the revoked vehicle. */
    public static final String REVOKED = "revoked";
    /** A VIN as certs-dev writes them (ISO 3779 characters: no I, O or Q). */
    public static final Pattern VIN = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");

    private static final Pattern SM2_SIGN_FILE = Pattern.compile("(" + VIN.pattern() + ")-sign\\.crt");
    private static final Pattern ECDSA_FILE = Pattern.compile("(" + VIN.pattern() + ")\\.crt");
    private static final Pattern MODEL_FILE = Pattern.compile("model-([A-Z0-9][A-Z0-9-]{0,31})-sign\\.crt");

    public CertsDevLayout {
        Objects.requireNonNull(root, "root");
    }

    // ---- relative names, for the writer ---------------------------------------------------------------

    /** {@code FAMILY/trust.pem}: the family's root and issuing CA certificates. */
    public static String trustName(String family) {
        return family + "/trust.pem";
    }

    /** {@code FAMILY/issuing-ca.crl}. */
    public static String crlName(String family) {
        return family + "/issuing-ca.crl";
    }

    /** {@code sm2/FOLDER/VIN-ROLE} (no extension), ROLE being sign or enc, FOLDER vehicles or revoked. */
    public static String sm2VehicleBase(String folder, String vin, String role) {
        return SM2 + "/" + folder + "/" + vin + "-" + role;
    }

    /** {@code ecdsa/FOLDER/VIN} (no extension), FOLDER being vehicles or revoked. */
    public static String ecdsaVehicleBase(String folder, String vin) {
        return ECDSA + "/" + folder + "/" + vin;
    }

    /** {@code sm2/model-CODE-ROLE} (no extension), ROLE being sign or enc. */
    public static String modelBase(String code, String role) {
        return SM2 + "/model-" + code + "-" + role;
    }

    // ---- paths in this folder, for readers -------------------------------------------------------------

    /** {@code sm2/trust.pem}. */
    public Path sm2Trust() {
        return root.resolve(trustName(SM2));
    }

    /** {@code ecdsa/trust.pem}. */
    public Path ecdsaTrust() {
        return root.resolve(trustName(ECDSA));
    }

    /** {@code sm2/issuing-ca.crl} and {@code ecdsa/issuing-ca.crl}. */
    public List<Path> crls() {
        return List.of(root.resolve(crlName(SM2)), root.resolve(crlName(ECDSA)));
    }

    /** {@code manifest.json}. */
    public Path manifest() {
        return root.resolve(MANIFEST);
    }

    /** A family's folder ({@link #SM2} or {@link #ECDSA}), or one of its sub-folders. */
    public Path folder(String family, String... sub) {
        Path folder = root.resolve(family);
        for (String s : sub) {
            folder = folder.resolve(s);
        }
        return folder;
    }

    /** {@code sm2/vehicles/VIN-ROLE.EXT}: ROLE sign or enc, EXT crt or key. */
    public Path sm2Vehicle(String vin, String role, String extension) {
        return root.resolve(sm2VehicleBase(VEHICLES, vin, role) + "." + extension);
    }

    /** {@code ecdsa/vehicles/VIN.EXT}: EXT crt or key. */
    public Path ecdsaVehicle(String vin, String extension) {
        return root.resolve(ecdsaVehicleBase(VEHICLES, vin) + "." + extension);
    }

    /** {@code sm2/model-CODE-ROLE.EXT}: ROLE sign or enc, EXT crt or key. */
    public Path model(String code, String role, String extension) {
        return root.resolve(modelBase(code, role) + "." + extension);
    }

    /** VINs with an SM2 signing certificate in {@code sm2/vehicles}, sorted; empty if there is no such folder. */
    public List<String> sm2Vins() throws IOException {
        return scan(folder(SM2, VEHICLES), SM2_SIGN_FILE);
    }

    /** VINs with an ECDSA certificate in {@code ecdsa/vehicles}, sorted. */
    public List<String> ecdsaVins() throws IOException {
        return scan(folder(ECDSA, VEHICLES), ECDSA_FILE);
    }

    /** Model codes with a per-model signing certificate in {@code sm2/}, sorted. */
    public List<String> modelCodes() throws IOException {
        return scan(folder(SM2), MODEL_FILE);
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
}
