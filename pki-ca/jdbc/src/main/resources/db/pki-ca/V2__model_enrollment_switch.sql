-- Whether vehicles of a model may enroll through the RA (cert-enrollment). Models registered before
-- this column existed may enroll, as they could before (cert-enrollment's migration copies its own
-- per-model settings over these defaults).
ALTER TABLE vehicle_model ADD COLUMN enrollment_allowed boolean NOT NULL DEFAULT true;
