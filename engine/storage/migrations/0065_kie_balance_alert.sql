-- Kie.ai's low-balance alert (plugins/admin/kie_alert.py): one row saying whether admins were
-- told the balance is below the threshold. Any instance that sees the balance low claims the
-- alert by flipping `alerted` (so it is sent once, whichever instance and however many checks);
-- a balance back at or above the threshold flips it back, arming the next alert.
CREATE TABLE IF NOT EXISTS kie_balance_alert (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),   -- a single row
    alerted     boolean NOT NULL DEFAULT false,
    balance     numeric,                                       -- when last flipped
    threshold   bigint,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO kie_balance_alert (id) VALUES (true) ON CONFLICT DO NOTHING;
