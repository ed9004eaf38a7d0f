-- Indexes the admin console's queries need on a big database (bench/admin_queries.py: 100,000
-- users, 1,000,000 ledger rows, each dashboard and user-card query under 200 ms).
-- The user card joins a user's operations to their jobs by the ledger's text job id
-- (`jobs.id::text = ledger.job_id`), and opens one job by its id as text: without this index
-- each is a scan of every job (1.8 s for a user with 20,000 operations).
CREATE INDEX IF NOT EXISTS jobs_by_id_text ON jobs ((id::text));
