-- cert-enrollment schema, next to pki-ca's in the same database (own Flyway history table
-- flyway_enrollment_history). References pki-ca's vehicle, vehicle_model and certificate tables.

-- One row per issued enrollment or renewal: a retried request (same VIN, same CSR) finds its result
-- here instead of issuing twice. The certificates are read back from pki-ca's certificate table.
CREATE TABLE enrollment_record (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vin           text NOT NULL REFERENCES vehicle (vin),
    csr_sm3       text NOT NULL CHECK (csr_sm3 ~ '^[0-9a-f]{64}$'),
    operation     text NOT NULL CHECK (operation IN ('ENROLL', 'RENEW')),
    -- which credential asked: 'model-cert:<serial>', 'vehicle-cert:<serial>' or 'token:<SM3 of the token>'
    credential    text NOT NULL,
    sign_serial   text NOT NULL REFERENCES certificate (serial),
    enc_serial    text NOT NULL REFERENCES certificate (serial),
    -- the encryption key pair sealed to the CSR's key (GB/T 35276 SM2EnvelopedKey, DER); only the
    -- holder of the CSR's private key can open it
    enveloped_key bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT enrollment_record_request_unique UNIQUE (vin, csr_sm3)
);

-- Per-model switch: may vehicles of this model enroll? No row: gmtls.enrollment.enrollment-default.
CREATE TABLE enrollment_model_setting (
    model_code          text PRIMARY KEY REFERENCES vehicle_model (code),
    enrollment_enabled  boolean NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Old pairs of renewed vehicles waiting for the end of the overlap; the revocation job takes due rows
-- (FOR UPDATE SKIP LOCKED, so several nodes can run it) and revokes them with reason superseded.
CREATE TABLE enrollment_supersede (
    serial        text PRIMARY KEY REFERENCES certificate (serial),
    vin           text NOT NULL REFERENCES vehicle (vin),
    replaced_by   text NOT NULL,
    due_at        timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enrollment_supersede_due_idx ON enrollment_supersede (due_at);
