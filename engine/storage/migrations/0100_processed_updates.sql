-- Updates already handled, by Telegram's update_id: a webhook delivery Telegram repeats (no
-- acknowledgement reached it, or a proxy retried on another instance) is handled once. Written
-- when an update's handling finished, under that user's lock (engine/telegram/serial.py);
-- rows older than a day are pruned, long after Telegram stops retrying.
CREATE TABLE IF NOT EXISTS processed_updates (
    update_id bigint PRIMARY KEY,
    handled_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS processed_updates_age ON processed_updates (handled_at);
