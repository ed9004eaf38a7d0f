-- What users did, as the engine saw it (engine/runtime/events.py): screens entered, buttons
-- pressed, /start. Written in batches by engine/storage/events.py, read by the funnel reports,
-- deleted after the retention period. No primary key: append-only, read by user and by time.
CREATE TABLE IF NOT EXISTS flow_events (
    at       timestamptz NOT NULL,
    user_id  bigint NOT NULL,
    screen   text NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('start', 'view', 'press')),
    target   text,
    variant  text
);

CREATE INDEX IF NOT EXISTS flow_events_by_user ON flow_events (user_id, at);
CREATE INDEX IF NOT EXISTS flow_events_by_screen ON flow_events (screen, at);
CREATE INDEX IF NOT EXISTS flow_events_by_time ON flow_events USING brin (at);
