-- The per-model enrollment switch moved to pki-ca (vehicle_model.enrollment_allowed, its migration V2,
-- admin API PUT /api/v1/admin/models/{code}/enrollment). Explicit settings are copied over; models
-- without one get what gmtls.enrollment.enrollment-default said when this migration ran (placeholder
-- enrollment_default), so an upgrade neither opens nor closes enrollment for any model.
UPDATE vehicle_model m SET enrollment_allowed = s.enrollment_enabled
  FROM enrollment_model_setting s WHERE s.model_code = m.code;
UPDATE vehicle_model SET enrollment_allowed = ${enrollment_default}
 WHERE code NOT IN (SELECT model_code FROM enrollment_model_setting);
DROP TABLE enrollment_model_setting;
