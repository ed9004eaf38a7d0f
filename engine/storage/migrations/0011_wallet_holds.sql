-- Money reserved for a generation, keyed by the job id. A hold moves once, from 'held' to
-- 'captured' (the generation succeeded; the reserved money stays spent) or to 'released'
-- (the money went back with a ledger row 'release:<job>'). Nothing moves it again.

CREATE TABLE IF NOT EXISTS holds (
    job_id      text PRIMARY KEY CHECK (length(job_id) BETWEEN 1 AND 160),
    user_id     bigint NOT NULL REFERENCES wallets (user_id),
    amount      bigint NOT NULL CHECK (amount > 0),
    state       text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'captured', 'released')),
    reason      text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    settled_at  timestamptz,
    CHECK ((state = 'held') = (settled_at IS NULL))
);

CREATE INDEX IF NOT EXISTS holds_open_by_user ON holds (user_id) WHERE state = 'held';

CREATE OR REPLACE FUNCTION wallet_guard_hold() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.job_id <> OLD.job_id OR NEW.user_id <> OLD.user_id OR NEW.amount <> OLD.amount THEN
        RAISE EXCEPTION 'hold %: job, user and amount never change', OLD.job_id;
    END IF;
    IF OLD.state <> 'held' OR NEW.state = 'held' THEN
        RAISE EXCEPTION 'hold %: % -> % is not a move a hold can make', OLD.job_id, OLD.state, NEW.state;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER holds_one_move
    BEFORE UPDATE ON holds
    FOR EACH ROW EXECUTE FUNCTION wallet_guard_hold();

CREATE OR REPLACE TRIGGER holds_no_delete
    BEFORE DELETE ON holds
    FOR EACH ROW EXECUTE FUNCTION wallet_forbid_change();

CREATE OR REPLACE TRIGGER holds_no_truncate
    BEFORE TRUNCATE ON holds
    FOR EACH STATEMENT EXECUTE FUNCTION wallet_forbid_change();

-- One row per free generation, keyed by the job id; returned_at is set once when the job
-- failed, which gives the use back to the hourly and daily limits.
CREATE TABLE IF NOT EXISTS free_uses (
    job_id       text PRIMARY KEY CHECK (length(job_id) BETWEEN 1 AND 160),
    user_id      bigint NOT NULL,
    model_id     text NOT NULL,
    used_at      timestamptz NOT NULL DEFAULT now(),
    returned_at  timestamptz
);

CREATE INDEX IF NOT EXISTS free_uses_window ON free_uses (user_id, model_id, used_at)
    WHERE returned_at IS NULL;

CREATE OR REPLACE FUNCTION wallet_guard_free_use() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.returned_at IS NOT NULL OR NEW.returned_at IS NULL
       OR (NEW.job_id, NEW.user_id, NEW.model_id, NEW.used_at)
          IS DISTINCT FROM (OLD.job_id, OLD.user_id, OLD.model_id, OLD.used_at) THEN
        RAISE EXCEPTION 'free use %: only an unreturned use can be returned, once', OLD.job_id;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER free_uses_return_once
    BEFORE UPDATE ON free_uses
    FOR EACH ROW EXECUTE FUNCTION wallet_guard_free_use();
