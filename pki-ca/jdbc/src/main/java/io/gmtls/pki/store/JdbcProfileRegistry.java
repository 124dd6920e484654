package io.gmtls.pki.store;

import io.gmtls.pki.core.profile.CertificateProfile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Records the profiles in force, so that certificate rows can reference them. */
public final class JdbcProfileRegistry {

    private final JdbcClient jdbc;

    public JdbcProfileRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A profile that was added or whose definition changed, with the definition now in force. */
    public record Change(String name, String definition) {
    }

    /** Inserts or updates every profile; returns those that were added or changed (to be audited). */
    public List<Change> sync(Collection<CertificateProfile> profiles) {
        List<Change> changes = new ArrayList<>();
        for (CertificateProfile p : profiles) {
            String definition = describe(p);
            jdbc.sql("""
                    INSERT INTO profile (name, usage, issuer, definition) VALUES (?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET usage = EXCLUDED.usage, issuer = EXCLUDED.issuer,
                        definition = EXCLUDED.definition, updated_at = now()
                    WHERE profile.definition IS DISTINCT FROM EXCLUDED.definition
                    RETURNING name
                    """).params(p.name(), p.usage().name(), p.issuer(), definition).query(String.class).optional()
                    .ifPresent(name -> changes.add(new Change(name, "usage=" + p.usage() + " issuer=" + p.issuer()
                            + " " + definition)));
        }
        return changes;
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
