-- Personal settings a user changes in Settings, beyond the language the session keeps: the
-- time zone dates are shown in (a key of plugins/finding/zones.py; no row: Moscow).
CREATE TABLE IF NOT EXISTS user_settings (
    user_id     bigint PRIMARY KEY,
    time_zone   text NOT NULL DEFAULT 'moscow',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
