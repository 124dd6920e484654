package io.gmtls.certsdev;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Generates a complete development PKI with BouncyCastle, in memory or into a folder.
 *
 * <pre>{@code
 * DevPki pki = DevPkiGenerator.generate(DevPkiOptions.defaults());          // tests
 * DevPki pki = DevPkiGenerator.write(Path.of("pki"), DevPkiOptions.defaults()); // demo, CLI
 * }</pre>
 */
public final class DevPkiGenerator {
    /** Vehicle ids look like VINs: 17 characters of A-Z and 0-9 without I, O and Q. */
    static final String VIN_PREFIX = "LGMDEV";
    static final String REVOKED_VIN = "LGMREV00000000001";

    private DevPkiGenerator() {
    }

    /** The VIN of the {@code index}-th good vehicle (1-based). */
    public static String vin(int index) {
        return String.format("%s%011d", VIN_PREFIX, index);
    }

    /** Generates the PKI in memory. */
    public static DevPki generate(DevPkiOptions options) {
        SecureRandom random = new SecureRandom();
        Instant now = options.now() != null ? options.now() : Instant.now();
        CertificateIssuer issuer = new CertificateIssuer(random, now);
        List<String> dns = options.dnsNames();
        String serverCn = dns.get(0);

        Credential sm2Root = issuer.root(Role.SM2_ROOT_CA, Names.subject(null, "GM TLS Dev SM2 Root CA"));
        Credential sm2Issuing = issuer.issue(Role.SM2_ISSUING_CA,
                Names.subject(null, "GM TLS Dev SM2 Issuing CA"), sm2Root, dns);
        X500Name gatewayName = Names.subject("Gateway", serverCn);
        Credential gatewaySign = issuer.issue(Role.GATEWAY_TLCP_SIGN, gatewayName, sm2Issuing, dns);
        Credential gatewayEnc = issuer.issue(Role.GATEWAY_TLCP_ENC, gatewayName, sm2Issuing, dns);
        Credential gatewaySm2Tls = issuer.issue(Role.GATEWAY_TLS13_SM2, gatewayName, sm2Issuing, dns);
        X500Name modelName = Names.subject("Vehicle Model", options.modelCode());
        Credential modelSign = issuer.issue(Role.MODEL_SIGN, modelName, sm2Issuing, dns);
        Credential modelEnc = issuer.issue(Role.MODEL_ENC, modelName, sm2Issuing, dns);

        Credential ecdsaRoot = issuer.root(Role.ECDSA_ROOT_CA, Names.subject(null, "GM TLS Dev ECDSA Root CA"));
        Credential ecdsaIssuing = issuer.issue(Role.ECDSA_ISSUING_CA,
                Names.subject(null, "GM TLS Dev ECDSA Issuing CA"), ecdsaRoot, dns);
        Credential ecdsaGateway = issuer.issue(Role.GATEWAY_TLS13_ECDSA, gatewayName, ecdsaIssuing, dns);

        List<Vehicle> vehicles = new ArrayList<>(options.vehicles());
        for (int i = 1; i <= options.vehicles(); i++) {
            vehicles.add(vehicle(issuer, vin(i), sm2Issuing, ecdsaIssuing, dns));
        }
        Vehicle revoked = vehicle(issuer, REVOKED_VIN, sm2Issuing, ecdsaIssuing, dns);

        Map<BigInteger, Integer> sm2Revoked = new LinkedHashMap<>();
        sm2Revoked.put(revoked.sign().certificate().getSerialNumber(), CertificateIssuer.keyCompromise());
        sm2Revoked.put(revoked.enc().certificate().getSerialNumber(), CertificateIssuer.keyCompromise());
        X509CRL sm2Crl = issuer.crl(sm2Issuing, sm2Revoked, now, BigInteger.ONE);
        X509CRL ecdsaCrl = issuer.crl(ecdsaIssuing,
                Map.of(revoked.ecdsa().certificate().getSerialNumber(), CertificateIssuer.keyCompromise()),
                now, BigInteger.ONE);

        return new DevPki(sm2Root, sm2Issuing, gatewaySign, gatewayEnc, gatewaySm2Tls,
                modelSign, modelEnc, options.modelCode(), vehicles, revoked, sm2Crl,
                ecdsaRoot, ecdsaIssuing, ecdsaGateway, ecdsaCrl,
                List.of(sm2Root.certificate(), sm2Issuing.certificate()),
                List.of(ecdsaRoot.certificate(), ecdsaIssuing.certificate()));
    }

    /**
     * Generates the PKI and writes it into {@code dir}, all at once: either every file is there
     * afterwards, or the folder is as it was.
     *
     * @throws DevPkiException with a one-line reason when the folder cannot be written, or holds
     *                         files and {@link DevPkiOptions#force()} is off
     */
    public static DevPki write(Path dir, DevPkiOptions options) {
        PkiFolder folder = new PkiFolder(dir, options.force());
        folder.checkWritable();
        DevPki pki = generate(options);
        folder.write(PkiLayout.files(pki, options));
        return pki;
    }

    private static Vehicle vehicle(CertificateIssuer issuer, String vin, Credential sm2Issuing,
                                   Credential ecdsaIssuing, List<String> dns) {
        X500Name name = Names.subject("T-Box", vin);
        return new Vehicle(vin,
                issuer.issue(Role.VEHICLE_SIGN, name, sm2Issuing, dns),
                issuer.issue(Role.VEHICLE_ENC, name, sm2Issuing, dns),
                issuer.issue(Role.VEHICLE_ECDSA, name, ecdsaIssuing, dns));
    }
}
