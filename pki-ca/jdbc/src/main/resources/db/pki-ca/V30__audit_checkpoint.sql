-- Signed checkpoints of the audit chain (issue 11 item 20). The chain's SM3 hashes are unkeyed, so a
-- role that may write audit_event and audit_head could rewrite a row and recompute every later hash.
-- A checkpoint is an SM2 signature over (sequence, head hash, time) by a key held in a file by the
-- service, never in the database: a rewrite below a checkpoint no longer matches its signed hash.
-- Each CA node signs with the checkpoint key of its key store and checks the checkpoints of that key
-- (nodes that share a key directory share the key); a row under another key is never trusted.
CREATE TABLE audit_checkpoint (
    key_id        text NOT NULL CHECK (key_id ~ '^[0-9a-f]{64}$'),
    seq           bigint NOT NULL,
    head_hash     text NOT NULL CHECK (head_hash ~ '^[0-9a-f]{64}$'),
    at            timestamptz NOT NULL,
    signature     bytea NOT NULL,
    PRIMARY KEY (key_id, seq)
);

CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
