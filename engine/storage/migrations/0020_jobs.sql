-- Generations: one row per confirmed form, moved through its states by the job runner of
-- any instance (rows are leased with FOR UPDATE SKIP LOCKED). Money is keyed by the job id in
-- the wallet's holds; `settled` says capture or release has been done for this job.
CREATE TABLE IF NOT EXISTS jobs (
    id              uuid PRIMARY KEY,
    user_id         bigint NOT NULL,
    chat_id         bigint NOT NULL,
    language        text NOT NULL DEFAULT 'ru',
    model           text NOT NULL,
    category        text NOT NULL DEFAULT '',
    input           jsonb NOT NULL,             -- values as collected (Telegram file ids)
    kie_input       jsonb,                      -- what was sent to Kie.ai (file URLs)
    price_kopecks   bigint NOT NULL CHECK (price_kopecks >= 0),
    free            boolean NOT NULL DEFAULT false,
    state           text NOT NULL DEFAULT 'created' CHECK (state IN
                    ('created', 'submitted', 'running', 'succeeded', 'failed', 'timed_out',
                     'cancelled')),
    kie_task_id     text UNIQUE,
    result_urls     jsonb NOT NULL DEFAULT '[]'::jsonb,
    error_code      text,
    error_message   text,
    attempts        integer NOT NULL DEFAULT 0,
    polls           integer NOT NULL DEFAULT 0,
    next_run_at     timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    deadline_at     timestamptz NOT NULL,
    status_message_id bigint,
    settled         boolean NOT NULL DEFAULT false,
    delivered       boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

-- the runner's work queue: jobs not finished, or finished but not yet settled or delivered
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (next_run_at)
    WHERE state IN ('created', 'submitted', 'running') OR NOT settled OR NOT delivered;
CREATE INDEX IF NOT EXISTS jobs_by_user ON jobs (user_id, created_at DESC);
