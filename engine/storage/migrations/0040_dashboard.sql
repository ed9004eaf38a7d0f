-- The admin dashboard: each job keeps the Kie.ai credits it was priced at (what Kie.ai charges
-- for it), and the period sums read time-ordered indexes instead of scanning whole tables.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS kie_credits numeric CHECK (kie_credits >= 0);

CREATE INDEX IF NOT EXISTS ledger_by_kind_time ON ledger (kind, created_at);
CREATE INDEX IF NOT EXISTS holds_captured_time ON holds (settled_at) WHERE state = 'captured';
CREATE INDEX IF NOT EXISTS jobs_by_time ON jobs (created_at);
CREATE INDEX IF NOT EXISTS jobs_finished_time ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS free_uses_by_time ON free_uses (used_at);
CREATE INDEX IF NOT EXISTS users_by_created ON users (created_at);
CREATE INDEX IF NOT EXISTS users_by_seen ON users (last_seen_at);
