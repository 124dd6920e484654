package io.gmtls.certsdev;

import io.gmtls.crypto.certsdev.CertsDevLayout;
import io.gmtls.crypto.pem.Pem;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each part of a {@link DevPki} goes in the folder (names from gm-crypto's {@link CertsDevLayout}, which
 * its readers share), and the manifest describing it.
 *
 * <pre>
 * sm2/root-ca.{crt,key}  sm2/issuing-ca.{crt,key}  sm2/trust.pem  sm2/issuing-ca.crl
 * sm2/gateway-sign.{crt,key}  sm2/gateway-enc.{crt,key}  sm2/gateway-sign-chain.pem
 * sm2/gateway-tls13.{crt,key}  sm2/gateway-tls13-chain.pem
 * sm2/model-CODE-sign.{crt,key}  sm2/model-CODE-enc.{crt,key}
 * sm2/vehicles/VIN-sign.{crt,key}  sm2/vehicles/VIN-enc.{crt,key}
 * sm2/revoked/VIN-sign.{crt,key}  sm2/revoked/VIN-enc.{crt,key}
 * ecdsa/root-ca.{crt,key}  ecdsa/issuing-ca.{crt,key}  ecdsa/trust.pem  ecdsa/issuing-ca.crl
 * ecdsa/gateway.{crt,key}  ecdsa/gateway-chain.pem  ecdsa/vehicles/VIN.{crt,key}
 * manifest.json
 * </pre>
 */
final class PkiLayout {
    static final String MANIFEST = CertsDevLayout.MANIFEST;

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final List<ManifestEntry> entries = new ArrayList<>();
    private final char[] passphrase;

    private PkiLayout(char[] passphrase) {
        this.passphrase = passphrase;
    }

    /** Every file of the folder, by relative path, the manifest last. */
    static Map<String, byte[]> files(DevPki pki, DevPkiOptions options) {
        PkiLayout layout = new PkiLayout(options.passphrase());
        layout.credential("sm2/root-ca", pki.sm2Root(), Map.of());
        layout.credential("sm2/issuing-ca", pki.sm2Issuing(), Map.of());
        layout.bundle(CertsDevLayout.trustName(CertsDevLayout.SM2), "trust-bundle", "sm2-trust", pki.sm2Trust());
        layout.crl(CertsDevLayout.crlName(CertsDevLayout.SM2), pki.sm2Crl());
        layout.credential("sm2/gateway-sign", pki.gatewaySign(), Map.of());
        layout.bundle("sm2/gateway-sign-chain.pem", "chain", pki.gatewaySign().role().label(), pki.gatewaySign().chain());
        layout.credential("sm2/gateway-enc", pki.gatewayEnc(), Map.of());
        layout.credential("sm2/gateway-tls13", pki.gatewaySm2Tls(), Map.of());
        layout.bundle("sm2/gateway-tls13-chain.pem", "chain", pki.gatewaySm2Tls().role().label(), pki.gatewaySm2Tls().chain());
        Map<String, Object> model = Map.of("modelCode", pki.modelCode());
        layout.credential(CertsDevLayout.modelBase(pki.modelCode(), "sign"), pki.modelSign(), model);
        layout.credential(CertsDevLayout.modelBase(pki.modelCode(), "enc"), pki.modelEnc(), model);
        for (Vehicle v : pki.vehicles()) {
            layout.vehicle(CertsDevLayout.VEHICLES, v, false);
        }
        layout.vehicle(CertsDevLayout.REVOKED, pki.revokedVehicle(), true);

        layout.credential("ecdsa/root-ca", pki.ecdsaRoot(), Map.of());
        layout.credential("ecdsa/issuing-ca", pki.ecdsaIssuing(), Map.of());
        layout.bundle(CertsDevLayout.trustName(CertsDevLayout.ECDSA), "trust-bundle", "ecdsa-trust", pki.ecdsaTrust());
        layout.crl(CertsDevLayout.crlName(CertsDevLayout.ECDSA), pki.ecdsaCrl());
        layout.credential("ecdsa/gateway", pki.ecdsaGateway(), Map.of());
        layout.bundle("ecdsa/gateway-chain.pem", "chain", pki.ecdsaGateway().role().label(), pki.ecdsaGateway().chain());
        layout.files.put(MANIFEST, layout.manifest(pki));
        return layout.files;
    }

    private void vehicle(String folder, Vehicle v, boolean revoked) {
        Map<String, Object> facts = Map.of("vin", v.vin(), "revoked", revoked);
        credential(CertsDevLayout.sm2VehicleBase(folder, v.vin(), "sign"), v.sign(), facts);
        credential(CertsDevLayout.sm2VehicleBase(folder, v.vin(), "enc"), v.enc(), facts);
        credential(CertsDevLayout.ecdsaVehicleBase(folder, v.vin()), v.ecdsa(), facts);
    }

    private void credential(String base, Credential c, Map<String, Object> extra) {
        files.put(base + ".crt", Pem.writeBytes(List.of(c.certificate())));
        entries.add(ManifestEntry.certificate(base + ".crt", c, extra));
        files.put(base + ".key", Pem.privateKey(c.privateKey(), passphrase));
        entries.add(ManifestEntry.privateKey(base + ".key", c, passphrase != null, extra));
    }

    private void bundle(String file, String kind, String role, List<X509Certificate> certs) {
        files.put(file, Pem.writeBytes(certs));
        entries.add(ManifestEntry.bundle(file, kind, role, certs));
    }

    private void crl(String file, X509CRL crl) {
        files.put(file, Pem.writeBytes(List.of(crl)));
        entries.add(ManifestEntry.crl(file, crl));
    }

    private byte[] manifest(DevPki pki) {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"generator\": \"certs-dev\",\n");
        json.append("  \"generated\": ");
        Json.string(json, Instant.now().toString());
        json.append(",\n  \"sm2UserId\": \"1234567812345678\",\n  \"modelCode\": ");
        Json.string(json, pki.modelCode());
        json.append(",\n  \"vehicles\": ");
        Json.value(json, pki.vehicles().stream().map(Vehicle::vin).toList());
        json.append(",\n  \"revokedVehicle\": ");
        Json.string(json, pki.revokedVehicle().vin());
        json.append(",\n  \"files\": [\n");
        for (int i = 0; i < entries.size(); i++) {
            json.append("    ").append(entries.get(i).toJson()).append(i + 1 < entries.size() ? ",\n" : "\n");
        }
        json.append("  ]\n}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
