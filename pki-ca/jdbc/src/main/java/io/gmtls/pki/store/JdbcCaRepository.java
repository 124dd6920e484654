package io.gmtls.pki.store;

import io.gmtls.pki.core.CaRecord;
import io.gmtls.pki.core.CaRepository;
import io.gmtls.pki.core.CaRole;
import io.gmtls.pki.core.crypto.GmCrypto;
import io.gmtls.pki.core.crypto.KeyAlgorithm;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The CA hierarchy and OCSP signers in PostgreSQL. */
public final class JdbcCaRepository implements CaRepository {

    private final JdbcClient jdbc;

    public JdbcCaRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<CaRecord> all() {
        return jdbc.sql("SELECT name, role, algorithm, certificate, key_alias, parent FROM ca ORDER BY created_at, name")
                .query((rs, n) -> new CaRecord(rs.getString(1), CaRole.valueOf(rs.getString(2)),
                        KeyAlgorithm.valueOf(rs.getString(3)), certificate(rs.getBytes(4)), rs.getString(5),
                        rs.getString(6)))
                .list();
    }

    @Override
    public void insert(CaRecord ca) {
        jdbc.sql("""
                INSERT INTO ca (name, role, algorithm, subject, certificate, key_alias, parent)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
                .params(ca.name(), ca.role().name(), ca.algorithm().name(),
                        ca.certificate().getSubjectX500Principal().getName(), encoded(ca.certificate()),
                        ca.keyAlias(), ca.parent())
                .update();
    }

    @Override
    public long nextCrlNumber(String caName) {
        return jdbc.sql("UPDATE ca SET crl_number = crl_number + 1 WHERE name = ? RETURNING crl_number")
                .param(caName).query(Long.class).single();
    }

    @Override
    public Optional<OcspSignerRecord> ocspSigner(String caName) {
        return jdbc.sql("""
                SELECT ca_name, certificate, key_alias FROM ocsp_signer WHERE ca_name = ? ORDER BY not_after DESC LIMIT 1
                """).param(caName)
                .query((rs, n) -> new OcspSignerRecord(rs.getString(1), certificate(rs.getBytes(2)), rs.getString(3)))
                .optional();
    }

    @Override
    public void saveOcspSigner(OcspSignerRecord signer) {
        jdbc.sql("INSERT INTO ocsp_signer (ca_name, certificate, key_alias, not_after) VALUES (?, ?, ?, ?)")
                .params(signer.caName(), encoded(signer.certificate()), signer.keyAlias(),
                        Timestamp.from(signer.certificate().getNotAfter().toInstant()))
                .update();
    }

    static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509", GmCrypto.provider())
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalStateException("stored CA certificate is unreadable", e);
        }
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
