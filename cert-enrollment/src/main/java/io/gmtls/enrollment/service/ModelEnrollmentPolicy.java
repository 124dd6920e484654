package io.gmtls.enrollment.service;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Whether vehicles of a model may enroll (one switch per model, in {@code enrollment_model_setting};
 * models without a row take the configured default). Renewal is not affected: turning enrollment off
 * must not strand vehicles that already have certificates.
 */
public final class ModelEnrollmentPolicy {

    private final JdbcClient jdbc;
    private final boolean enabledByDefault;

    public ModelEnrollmentPolicy(JdbcClient jdbc, boolean enabledByDefault) {
        this.jdbc = jdbc;
        this.enabledByDefault = enabledByDefault;
    }

    public boolean enrollmentEnabled(String modelCode) {
        return explicit(modelCode).orElse(enabledByDefault);
    }

    /** The explicit setting of a model, if it has one. */
    public Optional<Boolean> explicit(String modelCode) {
        return jdbc.sql("SELECT enrollment_enabled FROM enrollment_model_setting WHERE model_code = ?")
                .param(modelCode).query(Boolean.class).optional();
    }

    /** Sets the switch (in the caller's transaction). The model must be registered (foreign key). */
    public void set(String modelCode, boolean enabled) {
        jdbc.sql("""
                INSERT INTO enrollment_model_setting (model_code, enrollment_enabled) VALUES (?, ?)
                ON CONFLICT (model_code) DO UPDATE SET enrollment_enabled = EXCLUDED.enrollment_enabled, updated_at = now()
                """).params(modelCode, enabled).update();
    }

    /** Every registered model with its effective setting. */
    public Map<String, Boolean> all() {
        Map<String, Boolean> out = new TreeMap<>();
        jdbc.sql("""
                SELECT m.code, s.enrollment_enabled FROM vehicle_model m
                  LEFT JOIN enrollment_model_setting s ON s.model_code = m.code ORDER BY m.code
                """).query(rs -> {
                    Object v = rs.getObject(2);
                    out.put(rs.getString(1), v == null ? enabledByDefault : (Boolean) v);
                });
        return out;
    }

    public boolean enabledByDefault() {
        return enabledByDefault;
    }
}
