-- pki-ca schema: CAs, profiles, models, vehicles, certificates, revocations, CRLs,
-- enrollment credentials, audit events. Every lookup of the broker auth endpoint has an index:
-- certificate by serial (unique), by common name, vehicle by VIN (primary key), model by code.

CREATE TABLE ca (
    name          text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    role          text NOT NULL CHECK (role IN ('ROOT', 'ISSUING')),
    algorithm     text NOT NULL,
    subject       text NOT NULL,
    certificate   bytea NOT NULL,
    key_alias     text,
    parent        text REFERENCES ca (name),
    crl_number    bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ocsp_signer (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ca_name       text NOT NULL REFERENCES ca (name),
    certificate   bytea NOT NULL,
    key_alias     text NOT NULL,
    not_after     timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ocsp_signer_ca_idx ON ocsp_signer (ca_name, not_after DESC);

-- Profiles are configuration; this table records each one in force (as JSON) so that certificates
-- can reference the profile they were issued under.
CREATE TABLE profile (
    name          text PRIMARY KEY,
    usage         text NOT NULL,
    issuer        text NOT NULL,
    definition    text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicle_model (
    code              text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name              text NOT NULL,
    per_model_allowed boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vehicle (
    vin           text PRIMARY KEY CHECK (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
    model_code    text NOT NULL REFERENCES vehicle_model (code),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vehicle_model_idx ON vehicle (model_code);

CREATE TABLE certificate (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    serial          text NOT NULL CHECK (serial ~ '^[0-9a-f]{1,40}$'),
    ca_name         text NOT NULL REFERENCES ca (name),
    profile         text NOT NULL REFERENCES profile (name),
    usage           text NOT NULL,
    subject         text NOT NULL,
    common_name     text NOT NULL,
    vin             text REFERENCES vehicle (vin),
    model_code      text REFERENCES vehicle_model (code),
    status          text NOT NULL CHECK (status IN ('VALID', 'REVOKED')),
    not_before      timestamptz NOT NULL,
    not_after       timestamptz NOT NULL,
    fingerprint_sm3 text NOT NULL,
    der             bytea NOT NULL,
    escrowed_key    bytea,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certificate_serial_unique UNIQUE (serial),
    CONSTRAINT certificate_fingerprint_unique UNIQUE (fingerprint_sm3),
    CONSTRAINT certificate_validity CHECK (not_after > not_before)
);
CREATE INDEX certificate_cn_idx ON certificate (common_name, usage);
CREATE INDEX certificate_vin_idx ON certificate (vin);
CREATE INDEX certificate_status_idx ON certificate (status, ca_name);

CREATE TABLE revocation (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_id  bigint NOT NULL UNIQUE REFERENCES certificate (id),
    serial          text NOT NULL UNIQUE,
    ca_name         text NOT NULL REFERENCES ca (name),
    reason          smallint NOT NULL CHECK (reason BETWEEN 0 AND 10 AND reason <> 7),
    revoked_at      timestamptz NOT NULL
);
CREATE INDEX revocation_ca_idx ON revocation (ca_name, id);

CREATE TABLE crl (
    ca_name           text NOT NULL REFERENCES ca (name),
    number            bigint NOT NULL,
    delta             boolean NOT NULL,
    base_number       bigint,
    max_revocation_id bigint NOT NULL,
    this_update       timestamptz NOT NULL,
    next_update       timestamptz NOT NULL,
    der               bytea NOT NULL,
    PRIMARY KEY (ca_name, number)
);
CREATE INDEX crl_latest_idx ON crl (ca_name, delta, number DESC);

CREATE TABLE enrollment_credential (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_sm3     text NOT NULL UNIQUE CHECK (token_sm3 ~ '^[0-9a-f]{64}$'),
    vin           text NOT NULL REFERENCES vehicle (vin),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enrollment_credential_vin_idx ON enrollment_credential (vin);

-- Audit: append-only, chained by SM3 (see io.gmtls.pki.core.AuditChain). The head row holds the
-- last sequence number and hash: appends serialise on it, and removing the newest events is detected.
CREATE TABLE audit_event (
    seq           bigint PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor         text NOT NULL,
    actor_role    text NOT NULL,
    action        text NOT NULL,
    target        text NOT NULL,
    outcome       text NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILED')),
    detail        text NOT NULL,
    prev_hash     text NOT NULL,
    hash          text NOT NULL
);
CREATE INDEX audit_event_target_idx ON audit_event (target);

CREATE TABLE audit_head (
    id            smallint PRIMARY KEY CHECK (id = 1),
    seq           bigint NOT NULL,
    hash          text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only';
END;
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
