-- Refunds of Telegram Stars top-ups. A refund is recorded 'pending' in the same transaction
-- as the ledger row taking the top-up back (so the money cannot be spent while Telegram is
-- asked), then 'done' once refundStarPayment answered (or said CHARGE_ALREADY_REFUNDED), or
-- 'failed' when Telegram refused it outright, with a ledger row giving the money back.
CREATE TABLE IF NOT EXISTS star_refunds (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id    bigint NOT NULL REFERENCES payments (id),
    user_id       bigint NOT NULL,
    charge_id     text NOT NULL,
    stars         bigint NOT NULL CHECK (stars > 0),
    kopecks       bigint NOT NULL CHECK (kopecks > 0),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    requested_by  bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    error         text NOT NULL DEFAULT '',
    CHECK ((status = 'pending') = (finished_at IS NULL))
);

-- At most one refund of a payment that is not a failure: a payment is refunded once.
CREATE UNIQUE INDEX IF NOT EXISTS star_refunds_once ON star_refunds (payment_id)
    WHERE status <> 'failed';
CREATE INDEX IF NOT EXISTS star_refunds_by_user ON star_refunds (user_id, id DESC);
CREATE INDEX IF NOT EXISTS star_refunds_pending ON star_refunds (id) WHERE status = 'pending';

CREATE OR REPLACE FUNCTION star_refunds_finish_once() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'pending' OR NEW.status = 'pending'
       OR (NEW.id, NEW.payment_id, NEW.user_id, NEW.charge_id, NEW.stars, NEW.kopecks,
           NEW.requested_by, NEW.created_at)
          IS DISTINCT FROM
          (OLD.id, OLD.payment_id, OLD.user_id, OLD.charge_id, OLD.stars, OLD.kopecks,
           OLD.requested_by, OLD.created_at) THEN
        RAISE EXCEPTION 'star refund %: only a pending refund is finished, once', OLD.id;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER star_refunds_finish_once
    BEFORE UPDATE ON star_refunds
    FOR EACH ROW EXECUTE FUNCTION star_refunds_finish_once();

CREATE OR REPLACE TRIGGER star_refunds_no_delete
    BEFORE DELETE ON star_refunds
    FOR EACH ROW EXECUTE FUNCTION wallet_forbid_change();
