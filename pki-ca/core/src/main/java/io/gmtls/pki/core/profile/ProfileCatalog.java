package io.gmtls.pki.core.profile;

import static io.gmtls.pki.core.profile.ExtendedKeyUsageName.CLIENT_AUTH;
import static io.gmtls.pki.core.profile.ExtendedKeyUsageName.OCSP_SIGNING;
import static io.gmtls.pki.core.profile.ExtendedKeyUsageName.SERVER_AUTH;
import static io.gmtls.pki.core.profile.KeyUsageName.DATA_ENCIPHERMENT;
import static io.gmtls.pki.core.profile.KeyUsageName.DIGITAL_SIGNATURE;
import static io.gmtls.pki.core.profile.KeyUsageName.KEY_AGREEMENT;
import static io.gmtls.pki.core.profile.KeyUsageName.KEY_ENCIPHERMENT;
import static io.gmtls.pki.core.profile.KeyUsageName.NON_REPUDIATION;

import io.gmtls.pki.core.PkiException;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The profiles a CA issues under, by name. */
public final class ProfileCatalog {

    /** The SM2 issuing CA's name. */
    public static final String SM2_ISSUING = "sm2-issuing";
    /** The ECDSA issuing CA's name (TLS 1.3 path). */
    public static final String ECDSA_ISSUING = "ecdsa-issuing";

    /** VIN: 17 characters of digits and capital letters without I, O and Q (ISO 3779). */
    public static final Pattern VIN = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");
    /** A vehicle model code. */
    public static final Pattern MODEL_CODE = Pattern.compile("[A-Z0-9][A-Z0-9_-]{0,31}");
    /** A DNS host name (letters, digits, hyphens; labels up to 63). */
    public static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*"
                    + "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern RESPONDER_NAME = Pattern.compile("[A-Za-z0-9 ._-]{1,64}");

    private final Map<String, CertificateProfile> profiles;

    public ProfileCatalog(Collection<CertificateProfile> profiles) {
        Map<String, CertificateProfile> map = new LinkedHashMap<>();
        for (CertificateProfile p : profiles) {
            map.put(p.name(), p);
        }
        this.profiles = Map.copyOf(map);
    }

    /** The profile with that name, or a 400 naming it. */
    public CertificateProfile require(String name) {
        CertificateProfile profile = profiles.get(name);
        if (profile == null) {
            throw PkiException.badRequest("unknown profile '" + name + "'");
        }
        return profile;
    }

    public Optional<CertificateProfile> find(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    /** All profiles, ordered by name. */
    public List<CertificateProfile> all() {
        return profiles.values().stream().sorted(java.util.Comparator.comparing(CertificateProfile::name)).toList();
    }

    /** The first profile of a usage issued by a CA of the given key family, if any. */
    public Optional<CertificateProfile> firstOf(ProfileUsage usage, String issuer) {
        return all().stream().filter(p -> p.usage() == usage && p.issuer().equals(issuer)).findFirst();
    }

    /**
     * The default profiles, shaped like the Tongsuo TLCP interop certificates and the certs-dev PKI:
     * signing = digitalSignature + nonRepudiation, encryption = keyEncipherment + dataEncipherment +
     * keyAgreement, all critical; servers carry SAN DNS; no basicConstraints on end entities; gateway
     * certificates carry the EKU serverAuth, vehicle and model certificates clientAuth.
     */
    public static List<CertificateProfile> defaults(String organization) {
        String org = organization.replace(",", "\\,");
        String vehicleSubject = "C=CN, O=" + org + ", OU=T-Box, CN=${cn}";
        String modelSubject = "C=CN, O=" + org + ", OU=Vehicle Model, CN=${cn}";
        String serverSubject = "C=CN, O=" + org + ", CN=${cn}";
        Duration fiveYears = Duration.ofDays(1826);
        Duration twoYears = Duration.ofDays(730);
        Set<KeyAlgorithm> sm2 = Set.of(KeyAlgorithm.SM2);
        Set<KeyAlgorithm> p256 = Set.of(KeyAlgorithm.EC_P256);
        Set<KeyUsageName> sign = Set.of(DIGITAL_SIGNATURE, NON_REPUDIATION);
        Set<KeyUsageName> enc = Set.of(KEY_ENCIPHERMENT, DATA_ENCIPHERMENT, KEY_AGREEMENT);
        // Role separation: gateways are servers, vehicles and models clients, on TLCP as on TLS.
        Set<ExtendedKeyUsageName> server = Set.of(SERVER_AUTH);
        Set<ExtendedKeyUsageName> client = Set.of(CLIENT_AUTH);
        return List.of(
                new CertificateProfile("vehicle-sign", ProfileUsage.VEHICLE_SIGNING, SM2_ISSUING, fiveYears, sign,
                        client, vehicleSubject, VIN, sm2, false, true, true, false),
                new CertificateProfile("vehicle-enc", ProfileUsage.VEHICLE_ENCRYPTION, SM2_ISSUING, fiveYears, enc,
                        client, vehicleSubject, VIN, sm2, false, true, true, false),
                new CertificateProfile("vehicle-tls-ecdsa", ProfileUsage.VEHICLE_SIGNING, ECDSA_ISSUING, fiveYears,
                        Set.of(DIGITAL_SIGNATURE), client, vehicleSubject, VIN, p256, false, true, true,
                        false),
                new CertificateProfile("model-sign", ProfileUsage.MODEL_SIGNING, SM2_ISSUING, fiveYears, sign,
                        client, modelSubject, MODEL_CODE, sm2, false, true, true, false),
                new CertificateProfile("model-enc", ProfileUsage.MODEL_ENCRYPTION, SM2_ISSUING, fiveYears, enc,
                        client, modelSubject, MODEL_CODE, sm2, false, true, true, false),
                new CertificateProfile("gateway-sign", ProfileUsage.SERVER_SIGNING, SM2_ISSUING, twoYears, sign,
                        server, serverSubject, HOST_NAME, sm2, true, true, true, false),
                new CertificateProfile("gateway-enc", ProfileUsage.SERVER_ENCRYPTION, SM2_ISSUING, twoYears, enc,
                        server, serverSubject, HOST_NAME, sm2, true, true, true, false),
                new CertificateProfile("gateway-tls", ProfileUsage.SERVER_TLS, SM2_ISSUING, twoYears,
                        Set.of(DIGITAL_SIGNATURE), Set.of(SERVER_AUTH), serverSubject, HOST_NAME, sm2, true, true,
                        true, false),
                new CertificateProfile("gateway-tls-ecdsa", ProfileUsage.SERVER_TLS, ECDSA_ISSUING, twoYears,
                        Set.of(DIGITAL_SIGNATURE), Set.of(SERVER_AUTH), serverSubject, HOST_NAME, p256, true, true,
                        true, false),
                new CertificateProfile("ocsp-signer", ProfileUsage.OCSP_SIGNING, SM2_ISSUING, Duration.ofDays(365),
                        Set.of(DIGITAL_SIGNATURE), Set.of(OCSP_SIGNING), serverSubject, RESPONDER_NAME, sm2, false,
                        false, false, true),
                new CertificateProfile("ocsp-signer-ecdsa", ProfileUsage.OCSP_SIGNING, ECDSA_ISSUING,
                        Duration.ofDays(365), Set.of(DIGITAL_SIGNATURE), Set.of(OCSP_SIGNING), serverSubject,
                        RESPONDER_NAME, p256, false, false, false, true));
    }
}
