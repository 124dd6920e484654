-- Per-VIN operator block (denied on every path) and the time of the last explicit unblock (which
-- lets the per-model credential re-enroll a VIN whose certificates were revoked before it).
ALTER TABLE vehicle ADD COLUMN blocked boolean NOT NULL DEFAULT false;
ALTER TABLE vehicle ADD COLUMN unblocked_at timestamptz;
