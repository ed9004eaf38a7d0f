-- Receipts decided by an admin: the amount really credited (the transfer may differ from the
-- claim), and a once-only mark for each notice a user is sent about their money.

ALTER TABLE receipts ADD COLUMN IF NOT EXISTS credited_kopecks bigint CHECK (credited_kopecks > 0);

-- Receipts approved before this migration were credited as claimed (their ledger row says so).
ALTER TABLE receipts DISABLE TRIGGER receipts_decide_once;
UPDATE receipts r
   SET credited_kopecks = coalesce(
         (SELECT l.amount FROM ledger l WHERE l.idempotency_key = 'receipt:' || r.id), r.amount_kopecks)
 WHERE r.status = 'approved' AND r.credited_kopecks IS NULL;
ALTER TABLE receipts ENABLE TRIGGER receipts_decide_once;

ALTER TABLE receipts DROP CONSTRAINT IF EXISTS receipts_credited_when_approved;
ALTER TABLE receipts ADD CONSTRAINT receipts_credited_when_approved
    CHECK ((status = 'approved') = (credited_kopecks IS NOT NULL));

CREATE INDEX IF NOT EXISTS receipts_decided ON receipts (decided_at DESC, id DESC)
    WHERE status <> 'pending';

-- A notice about money (a receipt decided, Stars refunded) is sent at most once: whoever
-- inserts its key sends it; a repeated screen or a second instance finds the key taken.
CREATE TABLE IF NOT EXISTS money_notices (
    key      text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
    sent_at  timestamptz NOT NULL DEFAULT now()
);
