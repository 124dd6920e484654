package io.gmtls.pki.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gmtls.pki.TestSupport;
import io.gmtls.testsupport.TestDatabase;
import io.gmtls.pki.core.profile.PolicyRules;
import io.gmtls.pki.core.profile.ProfileCatalog;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A delegated OCSP signer (EKU OCSPSigning + ocsp-nocheck) speaks for the CA: only an admin mints
 * one, only for a key it proved to hold (a CSR, never a bare public key), and every attempt is in
 * the audit log. On a real PostgreSQL.
 */
class PrivilegedProfileIssuanceIT {

    private static final Actor OPERATOR = new Actor("ops", "operator");
    private static final Actor ADMIN = new Actor("security-officer", "admin");

    @Test
    void ocspSignerNeedsTheAdminRoleAndACsrAndEveryAttemptIsAudited() throws Exception {
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        try (TestDatabase db = new TestDatabase("pkica_test_")) {
            CaFixture fixture = new CaFixture(db.url(), clock, new byte[] {1, 2, 3, 4}, now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(3650)));
            CertificateAuthority ca = fixture.authority(new ProfileCatalog(ProfileCatalog.defaults("Fixture")),
                    PolicyRules.standard());
            KeyPair key = TestSupport.sm2();
            byte[] csr = TestSupport.csr(key, "Delegated OCSP");

            // An operator key: refused, nothing stored, the refusal audited.
            assertThatThrownBy(() -> ca.issue(new IssueRequest("ocsp-signer", csr, null, null, List.of()), OPERATOR))
                    .isInstanceOfSatisfying(PkiException.class,
                            e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.FORBIDDEN))
                    .hasMessageContaining("admin");
            assertThat(certificates(db)).isZero();
            assertThat(lastAudit(db)).containsExactly("ops", "operator", "certificate.issue", "FAILED");

            // An admin with a bare public key (no proof of possession): refused and audited.
            assertThatThrownBy(() -> ca.issue(new IssueRequest("ocsp-signer", null, key.getPublic().getEncoded(),
                    "Delegated OCSP", List.of()), ADMIN))
                    .isInstanceOfSatisfying(PkiException.class,
                            e -> assertThat(e.kind()).isEqualTo(PkiException.Kind.BAD_REQUEST))
                    .hasMessageContaining("CSR");
            assertThat(certificates(db)).isZero();
            assertThat(lastAudit(db)).containsExactly("security-officer", "admin", "certificate.issue", "FAILED");

            // An admin with a CSR: issued and audited.
            IssuedCertificate issued = ca.issue(new IssueRequest("ocsp-signer", csr, null, null, List.of()), ADMIN);
            assertThat(issued.profile()).isEqualTo("ocsp-signer");
            assertThat(certificates(db)).isEqualTo(1);
            assertThat(lastAudit(db)).containsExactly("security-officer", "admin", "certificate.issue", "SUCCESS");

            // Ordinary profiles stay with the operator, with a bare public key as before.
            ca.issue(new IssueRequest("gateway-sign", null, TestSupport.sm2().getPublic().getEncoded(),
                    "gw.example.test", List.of()), OPERATOR);
            assertThat(certificates(db)).isEqualTo(2);
        }
    }

    private static long certificates(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM certificate")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> lastAudit(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT actor, actor_role, action, outcome FROM audit_event ORDER BY seq DESC LIMIT 1")) {
            List<String> row = new ArrayList<>();
            if (rs.next()) {
                for (int i = 1; i <= 4; i++) {
                    row.add(rs.getString(i));
                }
            }
            return row;
        }
    }
}
