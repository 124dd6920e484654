-- The revocation feed (issue 13): every revocation and release from hold, appended in the transaction
-- that changes the certificate, in commit order. Gateways resume from a seq after a disconnect.
CREATE TABLE revocation_event (
    seq          bigserial PRIMARY KEY,
    serial       text NOT NULL CHECK (serial ~ '^[0-9a-f]{1,40}$'),
    issuer       text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('revoked', 'unrevoked')),
    reason       text,
    occurred_at  timestamptz NOT NULL,
    not_after    timestamptz NOT NULL,
    CHECK ((kind = 'revoked') = (reason IS NOT NULL))
);
CREATE INDEX revocation_event_not_after_idx ON revocation_event (not_after);

-- A seq drawn at INSERT would follow the order of the inserts, not of the commits: a reader that has
-- seen seq 11 committed could later see seq 10 commit and skip it. So the final seq is drawn at
-- commit time (a deferred trigger, the last thing a transaction does), under a transaction-scoped
-- advisory lock that the next appender waits for until this commit is visible. The lock is taken
-- after every other lock of the transaction, so it cannot be part of a deadlock.
CREATE FUNCTION revocation_event_commit_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7243120577913);
    UPDATE revocation_event SET seq = nextval('revocation_event_seq_seq') WHERE seq = NEW.seq;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER revocation_event_commit_order AFTER INSERT ON revocation_event
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION revocation_event_commit_order();
