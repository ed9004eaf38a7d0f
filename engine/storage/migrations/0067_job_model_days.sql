-- The dashboard's per-model counts (runs, finished, failed) kept by day, so 30 days of a busy
-- bot are 30 × models rows to add up instead of every job of the month (bench/admin_queries.py:
-- 190–270 ms on 300,000 jobs before). A job counts on the day it was ordered, in Moscow time
-- (the dashboard's zone), as the dashboard counts it; the trigger keeps the rows exact as jobs
-- are ordered, finish, or (in tests) are removed. The medians are still read from the jobs.
CREATE TABLE IF NOT EXISTS job_model_days (
    day       date   NOT NULL,
    model     text   NOT NULL,
    runs      bigint NOT NULL DEFAULT 0,
    finished  bigint NOT NULL DEFAULT 0,  -- succeeded, failed or timed out
    failed    bigint NOT NULL DEFAULT 0,  -- failed or timed out
    PRIMARY KEY (day, model)
);

CREATE OR REPLACE FUNCTION job_model_days_add(ordered timestamptz, m text, state text, sign int)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO job_model_days AS d (day, model, runs, finished, failed)
    VALUES ((ordered AT TIME ZONE 'Europe/Moscow')::date, m, sign,
            CASE WHEN state IN ('succeeded', 'failed', 'timed_out') THEN sign ELSE 0 END,
            CASE WHEN state IN ('failed', 'timed_out') THEN sign ELSE 0 END)
    ON CONFLICT (day, model) DO UPDATE
       SET runs = d.runs + EXCLUDED.runs,
           finished = d.finished + EXCLUDED.finished,
           failed = d.failed + EXCLUDED.failed
$$;

CREATE OR REPLACE FUNCTION job_model_days_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND NEW.created_at = OLD.created_at AND NEW.model = OLD.model
           AND (NEW.state IN ('succeeded', 'failed', 'timed_out'))
               = (OLD.state IN ('succeeded', 'failed', 'timed_out'))
           AND (NEW.state IN ('failed', 'timed_out')) = (OLD.state IN ('failed', 'timed_out')) THEN
            RETURN NULL;  -- nothing the counts see has changed (most updates: polls, leases)
        END IF;
        PERFORM job_model_days_add(OLD.created_at, OLD.model, OLD.state, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM job_model_days_add(NEW.created_at, NEW.model, NEW.state, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER job_model_days_track
    AFTER INSERT OR DELETE OR UPDATE OF state, model, created_at ON jobs
    FOR EACH ROW EXECUTE FUNCTION job_model_days_track();

-- the jobs already there (a no-op on a new database)
INSERT INTO job_model_days (day, model, runs, finished, failed)
SELECT (created_at AT TIME ZONE 'Europe/Moscow')::date, model, count(*),
       count(*) FILTER (WHERE state IN ('succeeded', 'failed', 'timed_out')),
       count(*) FILTER (WHERE state IN ('failed', 'timed_out'))
  FROM jobs GROUP BY 1, 2
ON CONFLICT (day, model) DO NOTHING;
