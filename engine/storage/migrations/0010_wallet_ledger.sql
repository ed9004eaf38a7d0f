-- Wallets and their append-only ledger. The ledger is the truth: a wallet's balance is moved
-- only by inserting a ledger row (a trigger applies it in the same statement), so
-- balance = SUM(ledger.amount) per user cannot drift, whatever code path wrote the row.

CREATE TABLE IF NOT EXISTS wallets (
    user_id     bigint PRIMARY KEY,
    balance     bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ledger (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES wallets (user_id),
    amount           bigint NOT NULL CHECK (amount <> 0),
    kind             text NOT NULL CHECK (kind ~ '^[a-z][a-z_]{0,31}$'),
    idempotency_key  text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    job_id           text,
    payment_ref      text,
    note             text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS ledger_user_recent ON ledger (user_id, id DESC);

-- A ledger row is never changed or removed: corrections are new rows.
CREATE OR REPLACE FUNCTION wallet_forbid_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is forbidden: money records are kept as written', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE OR REPLACE TRIGGER ledger_append_only
    BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION wallet_forbid_change();

CREATE OR REPLACE TRIGGER ledger_no_truncate
    BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION wallet_forbid_change();

-- Applying a ledger row to its wallet. AFTER INSERT fires only for rows really inserted, so an
-- INSERT ... ON CONFLICT (idempotency_key) DO NOTHING that hits an applied key moves nothing.
CREATE OR REPLACE FUNCTION wallet_apply_ledger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wallets SET balance = balance + NEW.amount, updated_at = now()
     WHERE user_id = NEW.user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ledger row % has no wallet %', NEW.id, NEW.user_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER ledger_apply
    AFTER INSERT ON ledger
    FOR EACH ROW EXECUTE FUNCTION wallet_apply_ledger();

-- The balance column is written only by the ledger trigger above (nesting depth 2), and a
-- wallet starts empty: money enters as a ledger row or not at all.
CREATE OR REPLACE FUNCTION wallet_guard_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.balance <> 0 THEN
            RAISE EXCEPTION 'a wallet starts at 0; credit it through the ledger';
        END IF;
    ELSIF NEW.user_id <> OLD.user_id THEN
        RAISE EXCEPTION 'a wallet keeps its user';
    ELSIF NEW.balance <> OLD.balance AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'wallet balance changes only through a ledger insert';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER wallet_balance_guard
    BEFORE INSERT OR UPDATE ON wallets
    FOR EACH ROW EXECUTE FUNCTION wallet_guard_balance();

CREATE OR REPLACE TRIGGER wallet_no_delete
    BEFORE DELETE ON wallets
    FOR EACH ROW EXECUTE FUNCTION wallet_forbid_change();

CREATE OR REPLACE TRIGGER wallet_no_truncate
    BEFORE TRUNCATE ON wallets
    FOR EACH STATEMENT EXECUTE FUNCTION wallet_forbid_change();
