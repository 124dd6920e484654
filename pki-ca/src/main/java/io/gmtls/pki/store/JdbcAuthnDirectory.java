package io.gmtls.pki.store;

import io.gmtls.pki.core.IssuedCertificate;
import io.gmtls.pki.core.Vehicle;
import io.gmtls.pki.core.VehicleModel;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The lookups of the broker auth endpoint, each on an index. */
public final class JdbcAuthnDirectory {

    private final JdbcClient jdbc;
    private final JdbcVehicleRegistry vehicles;
    private final JdbcCertificateStore certificates;

    public JdbcAuthnDirectory(JdbcClient jdbc, JdbcVehicleRegistry vehicles, JdbcCertificateStore certificates) {
        this.jdbc = jdbc;
        this.vehicles = vehicles;
        this.certificates = certificates;
    }

    /** A certificate by serial (unique index). */
    public Optional<IssuedCertificate> bySerial(String serial) {
        return certificates.findBySerial(serial);
    }

    /** Client-identity certificates (vehicle or model signing) with this CN (index on common_name, usage). */
    public List<IssuedCertificate> clientCertificatesByCommonName(String commonName) {
        return jdbc.sql("""
                SELECT c.serial, c.ca_name, c.profile, c.usage, c.subject, c.common_name, c.vin, c.model_code,
                       c.status, c.not_before, c.not_after, c.fingerprint_sm3, c.der, r.revoked_at, r.reason
                  FROM certificate c LEFT JOIN revocation r ON r.certificate_id = c.id
                 WHERE c.common_name = ? AND c.usage IN ('VEHICLE_SIGNING', 'MODEL_SIGNING')
                 ORDER BY c.id DESC LIMIT 20
                """).param(commonName).query(JdbcCertificateStore::map).list();
    }

    public Optional<Vehicle> vehicle(String vin) {
        return vehicles.vehicle(vin);
    }

    public Optional<VehicleModel> model(String code) {
        return vehicles.model(code);
    }
}
