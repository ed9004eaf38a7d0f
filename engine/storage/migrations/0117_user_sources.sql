-- Where users came from (their /start payload): written by the growth plug-in, read by the
-- funnel report. Created here too, identically, so either branch may come first.
CREATE TABLE IF NOT EXISTS user_sources (
    user_id        bigint PRIMARY KEY,
    first_source   text NOT NULL,
    latest_source  text NOT NULL,
    first_at       timestamptz NOT NULL DEFAULT now(),
    latest_at      timestamptz NOT NULL DEFAULT now()
);
