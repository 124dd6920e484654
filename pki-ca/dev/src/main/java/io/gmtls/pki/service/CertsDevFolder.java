package io.gmtls.pki.service;

import io.gmtls.crypto.certsdev.CertsDevLayout;
import io.gmtls.crypto.pem.Pem;
import io.gmtls.pki.core.CertificateImporter;
import io.gmtls.pki.core.CertificateImporter.Entry;
import io.gmtls.pki.core.CertificateImporter.Revocation;
import io.gmtls.pki.core.IssuingCa;
import io.gmtls.pki.core.PkiConfigException;
import io.gmtls.pki.core.RevocationReason;
import io.gmtls.pki.core.VehicleModel;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Extension;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the end-entity certificates of a certs-dev folder ({@code ./certs-dev.sh -o DIR}) into an
 * import batch: the vehicles' SM2 pairs and ECDSA certificates, the revoked vehicle's certificates
 * (revoked with the reason and date of the folder's CRLs), the per-model pair, the gateway
 * certificates; the model code from {@code manifest.json} and every VIN found. Private keys are not
 * read. Errors name the file and the key {@code gmtls.ca.bootstrap.import-dir}.
 */
final class CertsDevFolder {

    private static final String KEY = "gmtls.ca.bootstrap.import-dir";
    private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
    /**
     * How far into manifest.json the model code is looked for (certs-dev writes it in the first few
     * hundred bytes, whatever the number of vehicles; a hostile file is not read past this).
     */
    static final long MAX_MANIFEST_BYTES = 256L * 1024 * 1024;
    private static final int MAX_FILES = 200_000;
    private static final Pattern SM2_VEHICLE = Pattern.compile("([A-HJ-NPR-Z0-9]{17})-(sign|enc)\\.crt");
    private static final Pattern ECDSA_VEHICLE = Pattern.compile("([A-HJ-NPR-Z0-9]{17})\\.crt");
    private static final Pattern MODEL_FILE = Pattern.compile("model-([A-Z0-9][A-Z0-9_-]{0,31})-(sign|enc)\\.crt");
    /** Gateway certificates: file under the folder, profile. */
    private static final List<String[]> GATEWAYS = List.of(
            new String[] {"sm2/gateway-sign.crt", "gateway-sign"},
            new String[] {"sm2/gateway-enc.crt", "gateway-enc"},
            new String[] {"sm2/gateway-tls13.crt", "gateway-tls"},
            new String[] {"ecdsa/gateway.crt", "gateway-tls-ecdsa"});

    private CertsDevFolder() {
    }

    /** The batch to import from {@code dir}, for the issuing CAs that may have signed its content. */
    static CertificateImporter.Batch read(Path dir, List<IssuingCa> issuingCas, boolean perModelAllowed, Clock clock) {
        Map<BigInteger, Revocation> crlEntries = new HashMap<>();
        CertsDevLayout layout = new CertsDevLayout(dir);
        for (Path file : layout.crls()) {
            if (Files.isRegularFile(file)) {
                crlEntries.putAll(revocations(file, issuingCas));
            }
        }
        Instant now = clock.instant();
        List<Entry> entries = new ArrayList<>();
        Set<String> vins = new LinkedHashSet<>();
        for (String folder : List.of(CertsDevLayout.VEHICLES, CertsDevLayout.REVOKED)) {
            for (Path file : list(layout.folder(CertsDevLayout.SM2, folder))) {
                Matcher m = SM2_VEHICLE.matcher(file.getFileName().toString());
                if (m.matches()) {
                    vins.add(m.group(1));
                    entries.add(entry(dir, file, m.group(2).equals("sign") ? "vehicle-sign" : "vehicle-enc",
                            folder.endsWith("revoked"), crlEntries, now));
                }
            }
        }
        for (String folder : List.of(CertsDevLayout.VEHICLES, CertsDevLayout.REVOKED)) {
            for (Path file : list(layout.folder(CertsDevLayout.ECDSA, folder))) {
                Matcher m = ECDSA_VEHICLE.matcher(file.getFileName().toString());
                if (m.matches()) {
                    vins.add(m.group(1));
                    entries.add(entry(dir, file, "vehicle-tls-ecdsa", folder.endsWith("revoked"), crlEntries, now));
                }
            }
        }
        String modelCode = modelCode(dir);
        for (Path file : list(layout.folder(CertsDevLayout.SM2))) {
            Matcher m = MODEL_FILE.matcher(file.getFileName().toString());
            if (m.matches()) {
                if (modelCode == null) {
                    throw new PkiConfigException(KEY, layout.manifest() + " names no modelCode for " + file);
                }
                if (!m.group(1).equals(modelCode)) {
                    throw new PkiConfigException(KEY, file + " is for model " + m.group(1) + ", manifest.json names "
                            + modelCode);
                }
                entries.add(entry(dir, file, m.group(2).equals("sign") ? "model-sign" : "model-enc", false,
                        crlEntries, now));
            }
        }
        for (String[] gateway : GATEWAYS) {
            Path file = dir.resolve(gateway[0]);
            if (Files.isRegularFile(file)) {
                entries.add(entry(dir, file, gateway[1], false, crlEntries, now));
            }
        }
        if (modelCode == null && !vins.isEmpty()) {
            throw new PkiConfigException(KEY, layout.manifest() + " names no modelCode for the vehicles");
        }
        VehicleModel model = modelCode == null ? null : new VehicleModel(modelCode, modelCode, perModelAllowed, true);
        return new CertificateImporter.Batch(model, List.copyOf(vins), entries);
    }

    private static Entry entry(Path dir, Path file, String profile, boolean inRevokedFolder,
            Map<BigInteger, Revocation> crlEntries, Instant now) {
        X509Certificate certificate = certificate(file);
        Revocation revocation = crlEntries.get(certificate.getSerialNumber());
        if (revocation == null && inRevokedFolder) {
            // Under revoked/ but on no CRL of the folder: still revoked, for no stated reason.
            revocation = new Revocation(RevocationReason.UNSPECIFIED, now);
        }
        return new Entry(dir.relativize(file).toString(), certificate, profile, revocation);
    }

    /** Sorted regular files of a folder; none when it does not exist. */
    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        Set<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.crt")) {
            for (Path p : stream) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
                if (files.size() > MAX_FILES) {
                    throw new PkiConfigException(KEY, folder + " holds more than " + MAX_FILES + " certificates");
                }
            }
        } catch (IOException e) {
            throw new PkiConfigException(KEY, "cannot list " + folder);
        }
        return List.copyOf(files);
    }

    /**
     * {@code modelCode} of manifest.json, or null when there is no manifest or it names none. The
     * manifest is read as a stream, only up to that top-level field: certs-dev lists every file of
     * the folder in it after the top-level fields (~17 MB for 9,000 vehicles), none of which is
     * needed here. Other top-level values are skipped without being kept.
     */
    static String modelCode(Path dir) {
        return modelCode(dir, MAX_MANIFEST_BYTES);
    }

    /** {@link #modelCode(Path)}, looking at most {@code maxBytes} into the manifest. */
    static String modelCode(Path dir, long maxBytes) {
        Path manifest = new CertsDevLayout(dir).manifest();
        if (!Files.isRegularFile(manifest)) {
            return null;
        }
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxDocumentLength(maxBytes).build())
                .build();
        try (InputStream in = Files.newInputStream(manifest);
                JsonParser json = factory.createParser(ObjectReadContext.empty(), in)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new PkiConfigException(KEY, manifest + " is not a JSON object");
            }
            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = json.currentName();
                JsonToken value = json.nextToken();
                if (name.equals("modelCode")) {
                    return modelCodeValue(manifest, json, value);
                }
                json.skipChildren();
            }
            return null;
        } catch (StreamConstraintsException e) {
            throw new PkiConfigException(KEY, manifest + ": no modelCode within its first " + maxBytes
                    + " bytes, or a value over the parser's limits");
        } catch (JacksonException e) {
            throw new PkiConfigException(KEY, manifest + " is not valid JSON");
        } catch (IOException e) {
            throw new PkiConfigException(KEY, "cannot read " + manifest);
        }
    }

    private static String modelCodeValue(Path manifest, JsonParser json, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        String code = value == JsonToken.VALUE_STRING ? json.getString() : "";
        if (!ProfileCatalog.MODEL_CODE.matcher(code).matches()) {
            throw new PkiConfigException(KEY, manifest + ": modelCode is not a model code");
        }
        return code;
    }

    /** serial -> revocation of one CRL, after checking that one of our issuing CAs signed it. */
    private static Map<BigInteger, Revocation> revocations(Path file, List<IssuingCa> issuingCas) {
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509", GmCrypto.provider())
                    .generateCRL(new ByteArrayInputStream(derOf(file, "X509 CRL")));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PkiConfigException(KEY, "cannot read CRL " + file);
        }
        Optional<IssuingCa> signer = issuingCas.stream()
                .filter(ca -> ca.certificate().getSubjectX500Principal().equals(crl.getIssuerX500Principal()))
                .findFirst();
        if (signer.isEmpty()) {
            return Map.of(); // another hierarchy's CRL: its certificates are skipped anyway
        }
        try {
            crl.verify(signer.get().certificate().getPublicKey(), GmCrypto.provider());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PkiConfigException(KEY, file + " is not signed by issuing CA " + signer.get().name());
        }
        Map<BigInteger, Revocation> out = new HashMap<>();
        Set<? extends X509CRLEntry> revoked = crl.getRevokedCertificates();
        if (revoked != null) {
            for (X509CRLEntry e : revoked) {
                out.put(e.getSerialNumber(), new Revocation(reason(e), e.getRevocationDate().toInstant()));
            }
        }
        return out;
    }

    private static RevocationReason reason(X509CRLEntry entry) {
        byte[] ext = entry.getExtensionValue(Extension.reasonCode.getId());
        if (ext == null) {
            return RevocationReason.UNSPECIFIED;
        }
        try {
            byte[] inner = org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets();
            int code = ASN1Enumerated.getInstance(ASN1Primitive.fromByteArray(inner)).intValueExact();
            RevocationReason reason = RevocationReason.ofCode(code);
            return reason == RevocationReason.REMOVE_FROM_CRL ? RevocationReason.UNSPECIFIED : reason;
        } catch (IOException | RuntimeException e) {
            return RevocationReason.UNSPECIFIED;
        }
    }

    private static X509Certificate certificate(Path file) {
        try {
            return CertificateImporter.parse(derOf(file, "CERTIFICATE"));
        } catch (RuntimeException e) {
            throw new PkiConfigException(KEY, "cannot read certificate " + file);
        }
    }

    /** The DER inside a PEM file (first block of the type) or the file itself when it is not PEM. */
    private static byte[] derOf(Path file, String pemType) {
        byte[] bytes = read(file);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN ")) {
            return bytes;
        }
        byte[] der;
        try {
            der = Pem.decode(text, pemType);
        } catch (IOException | RuntimeException e) {
            throw new PkiConfigException(KEY, file + " is not valid PEM");
        }
        if (der == null) {
            throw new PkiConfigException(KEY, file + " holds no " + pemType);
        }
        return der;
    }

    private static byte[] read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new PkiConfigException(KEY, file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PkiConfigException(KEY, "cannot read " + file);
        }
    }
}
