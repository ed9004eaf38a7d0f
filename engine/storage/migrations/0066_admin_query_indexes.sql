-- Indexes the admin console's queries need on a big database (bench/admin_queries.py: 100,000
-- users, 1,000,000 ledger rows; each dashboard and user-card query under 200 ms).

-- The user card joins a user's operations to their jobs by the ledger's text job id
-- (`jobs.id::text = ledger.job_id`) and opens one job by its id as text: without this index
-- each is a scan of every job (1.8 s for a user with 20,000 operations).
CREATE INDEX IF NOT EXISTS jobs_by_id_text ON jobs ((id::text));

-- Finding a user by @username (`lower(username) = lower($1)`, the latest seen first): the
-- partial index of 0030 cannot serve it (nothing in the query says username IS NOT NULL).
CREATE INDEX IF NOT EXISTS users_by_lower_username ON users (lower(username), last_seen_at DESC);
DROP INDEX IF EXISTS users_by_username;

-- The dashboard's sums over 7 and 30 days read only these indexes (index-only scans), not the
-- rows: a month of a busy bot is a quarter of a million ledger rows.
CREATE INDEX IF NOT EXISTS ledger_by_kind_time_covering ON ledger (kind, created_at) INCLUDE (amount, user_id);
DROP INDEX IF EXISTS ledger_by_kind_time;
CREATE INDEX IF NOT EXISTS holds_captured_time_covering ON holds (settled_at) INCLUDE (amount)
    WHERE state = 'captured';
DROP INDEX IF EXISTS holds_captured_time;
CREATE INDEX IF NOT EXISTS jobs_succeeded_time ON jobs (finished_at) INCLUDE (kie_credits)
    WHERE state = 'succeeded' AND finished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_by_time_covering ON jobs (created_at) INCLUDE (model, state, finished_at);
DROP INDEX IF EXISTS jobs_by_time;
CREATE INDEX IF NOT EXISTS free_uses_kept_by_time ON free_uses (used_at) WHERE returned_at IS NULL;
-- The median time to result, for each of the busiest models, reads its own range.
CREATE INDEX IF NOT EXISTS jobs_succeeded_by_model ON jobs (model, created_at) INCLUDE (finished_at)
    WHERE state = 'succeeded' AND finished_at IS NOT NULL;
