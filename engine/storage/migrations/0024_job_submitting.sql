-- "submitting": createTask is being sent, or was sent and its answer never recorded (a crash, a
-- lost connection). Written before the request leaves, so a restart never sends it again: the
-- job waits for the task to announce itself on its callback URL, or is resolved by rule
-- (plugins/generation/runner.py). `submit_started_at` is when that attempt began.
ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check CHECK (state IN
    ('created', 'submitting', 'submitted', 'running', 'succeeded', 'failed', 'timed_out',
     'cancelled'));
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS submit_started_at timestamptz;

DROP INDEX IF EXISTS jobs_due;
CREATE INDEX jobs_due ON jobs (next_run_at)
    WHERE state IN ('created', 'submitting', 'submitted', 'running') OR NOT settled
          OR NOT delivered;
