-- Telegram payments as received, one row per (provider, charge id) whether it was credited or
-- refused, so a duplicate delivery is recognised and a refund has the charge id it needs.
CREATE TABLE IF NOT EXISTS payments (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider             text NOT NULL CHECK (provider IN ('stars')),
    charge_id            text NOT NULL CHECK (length(charge_id) BETWEEN 1 AND 255),
    provider_charge_id   text NOT NULL DEFAULT '',
    user_id              bigint NOT NULL,
    payload              text NOT NULL,
    total_amount         bigint NOT NULL,
    currency             text NOT NULL,
    package_id           text,
    credited_kopecks     bigint NOT NULL DEFAULT 0 CHECK (credited_kopecks >= 0),
    status               text NOT NULL CHECK (status IN ('credited', 'refused')),
    reason               text NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, charge_id),
    CHECK ((status = 'credited') = (credited_kopecks > 0))
);

CREATE INDEX IF NOT EXISTS payments_by_user ON payments (user_id, id DESC);

CREATE OR REPLACE TRIGGER payments_append_only
    BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION wallet_forbid_change();

-- Manual top-ups: a user's claim (amount + receipt file), credited only after an admin
-- approves it. A receipt is decided once: pending -> approved | rejected.
CREATE TABLE IF NOT EXISTS receipts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL,
    amount_kopecks  bigint NOT NULL CHECK (amount_kopecks > 0),
    file_id         text NOT NULL CHECK (length(file_id) BETWEEN 1 AND 255),
    file_kind       text NOT NULL CHECK (file_kind IN ('photo', 'document')),
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by      bigint,
    decided_at      timestamptz,
    reason          text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'pending') = (decided_at IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL))
);

CREATE INDEX IF NOT EXISTS receipts_pending ON receipts (id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS receipts_by_user ON receipts (user_id, id DESC);

CREATE OR REPLACE FUNCTION wallet_guard_receipt() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'pending' OR NEW.status = 'pending'
       OR (NEW.id, NEW.user_id, NEW.amount_kopecks, NEW.file_id, NEW.file_kind, NEW.created_at)
          IS DISTINCT FROM
          (OLD.id, OLD.user_id, OLD.amount_kopecks, OLD.file_id, OLD.file_kind, OLD.created_at) THEN
        RAISE EXCEPTION 'receipt %: only a pending receipt can be decided, once', OLD.id;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER receipts_decide_once
    BEFORE UPDATE ON receipts
    FOR EACH ROW EXECUTE FUNCTION wallet_guard_receipt();

CREATE OR REPLACE TRIGGER receipts_no_delete
    BEFORE DELETE ON receipts
    FOR EACH ROW EXECUTE FUNCTION wallet_forbid_change();
