package io.gmtls.pki.store;

import io.gmtls.pki.core.profile.CertificateProfile;
import java.util.Collection;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Records the profiles in force, so that certificate rows can reference them. */
public final class JdbcProfileRegistry {

    private final JdbcClient jdbc;

    public JdbcProfileRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts or updates every profile. */
    public void sync(Collection<CertificateProfile> profiles) {
        for (CertificateProfile p : profiles) {
            jdbc.sql("""
                    INSERT INTO profile (name, usage, issuer, definition) VALUES (?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET usage = EXCLUDED.usage, issuer = EXCLUDED.issuer,
                        definition = EXCLUDED.definition, updated_at = now()
                    WHERE profile.definition IS DISTINCT FROM EXCLUDED.definition
                    """).params(p.name(), p.usage().name(), p.issuer(), describe(p)).update();
        }
    }

    static String describe(CertificateProfile p) {
        return "{\"validityDays\":" + p.validity().toDays()
                + ",\"keyUsages\":\"" + p.keyUsages().stream().map(Enum::name).sorted().toList()
                + "\",\"extendedKeyUsages\":\"" + p.extendedKeyUsages().stream().map(Enum::name).sorted().toList()
                + "\",\"subjectTemplate\":\"" + p.subjectTemplate().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"cnPattern\":\"" + p.commonNamePattern().pattern().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"keyAlgorithms\":\"" + p.keyAlgorithms().stream().map(Enum::name).sorted().toList()
                + "\",\"requireDnsSan\":" + p.requireDnsSan() + "}";
    }
}
